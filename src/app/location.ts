/**
 * Where work runs decides its grid intensity and PUE. One resolution for every verb (estimate,
 * run, plan, schedule): a user's number beats a cloud region beats a country beats the world
 * average, and whatever was assumed is said in a note.
 */
import { countryIntensity, findRegion, pueFor, regionIntensity, regionPue, worldIntensity } from '../catalog/index.js';
import type { Factor, RunLocation } from '../core/index.js';

export interface LocationInput {
  /** "provider:region", e.g. "gcp:europe-west4". */
  region?: string;
  /** ISO 3166-1 alpha-2 (or a US/CA subdivision such as US-CA). */
  country?: string;
  /** The user's own intensity, gCO2e/kWh. */
  intensityGPerKwh?: number;
  pue?: number;
}

export interface ResolvedLocation {
  location: RunLocation;
  intensity: Factor;
  intensityResolution: 'annual-average' | 'user';
  pue: Factor;
  notes: string[];
}

/**
 * `defaultPue` applies when neither a PUE nor a cloud region is given: `local` (1.0, a machine in
 * an office or a lab where the IT energy is the whole bill) for measured runs, `unknown` (an
 * unknown data centre, Uptime 2024) for estimates of work that will run "somewhere".
 */
export function resolveLocation(input: LocationInput, defaultPue: 'local' | 'unknown'): ResolvedLocation {
  const notes: string[] = [];
  const region = input.region ? findRegion(input.region) : null;
  const countryFactor = !region && input.country ? countryIntensity(input.country.toUpperCase()) : null;

  let intensity: Factor;
  let intensityResolution: ResolvedLocation['intensityResolution'] = 'annual-average';
  if (input.intensityGPerKwh !== undefined) {
    intensity = { value: input.intensityGPerKwh, unit: 'gCO2e/kWh', source: 'given by the user' };
    intensityResolution = 'user';
  } else if (region) {
    intensity = regionIntensity(region);
  } else if (countryFactor) {
    intensity = countryFactor;
  } else {
    intensity = worldIntensity();
    notes.push(`No location given: the world average grid intensity (${intensity.value} gCO2e/kWh, ${intensity.source}) was used. Pass --region or --country for a better figure.`);
  }

  let pue: Factor;
  if (input.pue !== undefined) pue = { value: input.pue, unit: 'ratio', source: 'given by the user' };
  else if (region) pue = regionPue(region);
  else {
    pue = pueFor(defaultPue);
    if (defaultPue === 'unknown') notes.push(`No PUE or cloud region given: an unknown data centre's PUE (${pue.value}, ${pue.source}) was assumed. Pass --pue 1 for a machine outside a data centre.`);
  }

  const location: RunLocation = region
    ? { region: region.id, country: region.country, label: `${region.id} (${[region.city, region.country].filter(Boolean).join(', ')})` }
    : input.country
      ? { country: input.country.toUpperCase(), label: input.country.toUpperCase() }
      : { label: input.intensityGPerKwh !== undefined ? 'user-given intensity' : 'world average' };
  return { location, intensity, intensityResolution, pue, notes };
}
