/**
 * Everyday equivalents of a footprint ("like driving 12 km"), each with its stated source and
 * year (shared/research/tracking.md section 5.3). Factors are kept as published, not blended, and
 * each names its basis: an energy-based equivalent (e.g. appliance-days from the catalog) does not
 * follow the grid intensity, so the two kinds are never mixed silently.
 * The factors change over the years (EPA revises its calculator yearly); update them together.
 */
import { requireNonNegative } from './energy/validate.js';

interface EquivalenceCommon {
  id: string;
  /** Reads after the number: "12.3 km driven by a new petrol car (EU)". */
  label: string;
  unit: string;
  source: string;
  year: number;
  url: string;
}

export type EquivalenceFactor =
  | (EquivalenceCommon & { basis: 'co2e'; gramsPerUnit: number })
  | (EquivalenceCommon & { basis: 'energy'; kwhPerUnit: number });

export const EQUIVALENCE_FACTORS: readonly EquivalenceFactor[] = [
  {
    id: 'car-km-eu',
    label: 'km driven by a new petrol car (EU)',
    unit: 'km',
    basis: 'co2e',
    gramsPerUnit: 133,
    source: 'EEA CO2 emissions from new passenger cars, 2023 provisional data, as used by the CodeCarbon dashboard (webapp/src/helpers/constants.ts)',
    year: 2023,
    url: 'https://github.com/mlco2/codecarbon/blob/master/webapp/src/helpers/constants.ts',
  },
  {
    id: 'car-miles-us',
    label: 'miles driven by an average US passenger vehicle',
    unit: 'mi',
    basis: 'co2e',
    gramsPerUnit: 393,
    source: 'US EPA Greenhouse Gas Equivalencies Calculator, 3.93e-4 t CO2e per mile',
    year: 2024,
    url: 'https://www.epa.gov/energy/greenhouse-gas-equivalencies-calculator-calculations-and-references',
  },
  {
    id: 'smartphone-charges',
    label: 'smartphone charges',
    unit: 'charges',
    basis: 'co2e',
    gramsPerUnit: 8.22,
    source: 'US EPA Greenhouse Gas Equivalencies Calculator, 8.22e-6 t CO2 per smartphone charged, as used by Cloud Carbon Footprint',
    year: 2021,
    url: 'https://www.epa.gov/energy/greenhouse-gas-equivalencies-calculator-calculations-and-references',
  },
  {
    id: 'tree-seedlings-10y',
    label: 'tree seedlings grown for 10 years',
    unit: 'seedlings',
    basis: 'co2e',
    gramsPerUnit: 60_493.5136,
    source: 'US EPA Greenhouse Gas Equivalencies Calculator, 0.0604935136 t CO2 sequestered per urban tree seedling grown for 10 years, as used by Cloud Carbon Footprint',
    year: 2021,
    url: 'https://www.epa.gov/energy/greenhouse-gas-equivalencies-calculator-calculations-and-references',
  },
  {
    id: 'tree-months',
    label: 'tree-months of CO2 absorption',
    unit: 'tree-months',
    basis: 'co2e',
    gramsPerUnit: 917,
    source: 'Green Algorithms referenceValues.csv tree_month (11,000 g per tree-year, Akbari 2002, Environmental Pollution)',
    year: 2021,
    url: 'https://github.com/GreenAlgorithms/green-algorithms-tool/blob/master/data/v2.2/referenceValues.csv',
  },
  {
    id: 'flight-nyc-london',
    label: 'one-way passenger flights New York - London',
    unit: 'flights',
    basis: 'co2e',
    gramsPerUnit: 810_000,
    source: 'carbonfootprint.com flight calculator, 0.81 t CO2e per passenger (1.2345679 flights per t), as used by Cloud Carbon Footprint',
    year: 2021,
    url: 'https://calculator.carbonfootprint.com/calculator.aspx?tab=3',
  },
  {
    id: 'flight-paris-london',
    label: 'one-way passenger flights Paris - London',
    unit: 'flights',
    basis: 'co2e',
    gramsPerUnit: 50_000,
    source: 'carbonfootprint.com flight calculator, via Green Algorithms referenceValues.csv flight_PAR-LON',
    year: 2021,
    url: 'https://github.com/GreenAlgorithms/green-algorithms-tool/blob/master/data/v2.2/referenceValues.csv',
  },
  {
    id: 'streaming-hours',
    label: 'hours of video streaming',
    unit: 'h',
    basis: 'co2e',
    gramsPerUnit: 36,
    source: 'Carbon Brief factcheck of the carbon footprint of streaming video on Netflix (updated IEA estimate), via Green Algorithms streaming_netflix_perhour',
    year: 2020,
    url: 'https://www.carbonbrief.org/factcheck-what-is-the-carbon-footprint-of-streaming-video-on-netflix',
  },
];

export interface Equivalence {
  id: string;
  label: string;
  unit: string;
  value: number;
  basis: 'co2e' | 'energy';
  source: string;
  year: number;
  url: string;
}

export interface EquivalenceOptions {
  /** Pick and order a subset by id; unknown ids are skipped. */
  ids?: readonly string[];
  /** Another table (e.g. from the catalog); defaults to EQUIVALENCE_FACTORS. */
  factors?: readonly EquivalenceFactor[];
}

/** The footprint expressed in each factor's unit, in table order. */
export function equivalencesFor(co2eG: number, energyKwh: number, options: EquivalenceOptions = {}): Equivalence[] {
  requireNonNegative(co2eG, 'Emissions (g CO2e)');
  requireNonNegative(energyKwh, 'Energy (kWh)');
  const table = options.factors ?? EQUIVALENCE_FACTORS;
  const ids = options.ids;
  const factors = ids ? ids.map((id) => table.find((f) => f.id === id)).filter((f): f is EquivalenceFactor => f !== undefined) : table;
  return factors.map((f) => ({
    id: f.id,
    label: f.label,
    unit: f.unit,
    value: f.basis === 'co2e' ? co2eG / f.gramsPerUnit : energyKwh / f.kwhPerUnit,
    basis: f.basis,
    source: f.source,
    year: f.year,
    url: f.url,
  }));
}
