/**
 * Countries (OWID/Ember annual intensity, plus US states and Canadian provinces from Green
 * Algorithms) and cloud regions (location, grid intensity, CFE%, PUE, Electricity Maps zone).
 *
 * Intensity policy (docs/catalog.md, "Regions"):
 *  - GCP: Google's own 2024 location-based value per region (region-carbon-info).
 *  - AWS/Azure in the US or Canada: the state/province value (Green Algorithms, ~2020 data), because
 *    the national average hides a 100x spread (Quebec 1.5 vs Alberta 670 g/kWh).
 *  - AWS/Azure elsewhere: the country's OWID/Ember value (2023 for most countries).
 *  - CCF's ~2020 factor is kept as `ccfIntensityGPerKwh` for comparison.
 */
import { ALPHA3_TO_ALPHA2 } from './iso3166.mjs';
import { AWS_REGIONS, AZURE_REGIONS, AZURE_ZONES_FROM_CCF, GCP_REGIONS } from './regions-meta.mjs';
import { num, round } from './read.mjs';

export function buildCountries(read, log) {
  const mix = read.json('mlco2__codecarbon', 'global_energy_mix.json');
  const countries = [];
  for (const [iso3, row] of Object.entries(mix)) {
    const iso2 = ALPHA3_TO_ALPHA2[iso3];
    if (!iso2) throw new Error(`no ISO alpha-2 code for ${iso3}`);
    const value = num(row.carbon_intensity);
    if (value === null) {
      log.push(`country ${iso3}: no carbon_intensity, dropped`);
      continue;
    }
    countries.push({
      id: iso2, kind: 'country', iso3, name: row.country_name, intensityGPerKwh: round(value, 2),
      sourceId: 'owid-ember', year: row.year, quality: 'derived',
    });
  }
  const ga = read.csv('GreenAlgorithms__green-algorithms-tool/CI_aggregated.csv', { skipLines: 1 });
  for (const row of ga) {
    if (!/^(US|CA)-[A-Z]{2}$/.test(row.location)) continue;
    // The file's `source` column says "data from 2020" (US) and "data from 2019" (Canada).
    const year = row.location.startsWith('US-') ? 2020 : 2019;
    countries.push({
      id: row.location, kind: 'subdivision', parent: row.location.slice(0, 2), name: row.regionName,
      intensityGPerKwh: round(num(row.carbonIntensity), 2), sourceId: 'ga-ci-aggregated', year, quality: 'derived',
    });
  }
  countries.sort((a, b) => a.id.localeCompare(b.id));
  return countries;
}

const PROVIDER_DOC = { aws: 'aws-regions-doc', gcp: 'gcp-regions-doc', azure: 'azure-regions-doc' };

export function buildRegions(read, countries, log) {
  const byId = new Map(countries.map((c) => [c.id, c]));
  const ccfFactors = new Map();
  for (const row of read.csv('cloud-carbon-footprint__cloud-carbon-footprint/ccf_region_emission_factors.csv')) {
    if (row.factor_type === 'grid_location_based') ccfFactors.set(`${row.provider}:${row.region}`, num(row.gCO2e_per_kWh));
  }
  const coef = read.csv('cloud-carbon-footprint__cloud-carbon-footprint/ccf_compute_coefficients.csv');
  const pueFleet = Object.fromEntries(coef.filter((r) => r.constant === 'PUE_AVG').map((r) => [r.provider, num(r.value)]));
  const pueTtm = new Map(coef.filter((r) => r.constant === 'PUE_TRAILING_TWELVE_MONTH').map((r) => [r.key, num(r.value)]));
  const gcp2024 = new Map(read.csv('GoogleCloudPlatform__region-carbon-info/2024.csv').map((r) => [r['Google Cloud Region'], r]));

  const regions = [];
  const add = (provider, [region, name, city, country, subdivision, zone]) => {
    const id = `${provider}:${region}`;
    if (!byId.has(country)) throw new Error(`${id}: country ${country} has no intensity`);
    const rec = {
      id, provider, region, name, city, country, subdivision,
      intensityGPerKwh: 0, intensityBasis: 'location-based', intensityScope: 'country',
      cfeFraction: null, ccfIntensityGPerKwh: null, pue: 0, pueBasis: 'provider-fleet',
      electricityMapsZone: zone,
      sourceId: PROVIDER_DOC[provider], year: 2025, quality: 'official',
      fieldSources: {}, fieldYears: {}, fieldQuality: {},
    };
    const setField = (field, value, sourceId, year, quality) => {
      rec[field] = value;
      rec.fieldSources[field] = sourceId;
      rec.fieldYears[field] = year;
      rec.fieldQuality[field] = quality;
    };
    if (provider === 'gcp') {
      const row = gcp2024.get(region);
      if (!row) throw new Error(`${id}: not in region-carbon-info 2024`);
      setField('intensityGPerKwh', round(num(row['Grid carbon intensity (gCO2eq / kWh)']), 2), 'gcp-region-carbon-info', 2024, 'official');
      rec.intensityScope = 'region';
      setField('cfeFraction', num(row['Google CFE']), 'gcp-region-carbon-info', 2024, 'official');
    } else {
      const local = subdivision ? byId.get(subdivision) : undefined;
      const basis = local ?? byId.get(country);
      setField('intensityGPerKwh', basis.intensityGPerKwh, basis.sourceId, basis.year, 'derived');
      rec.intensityScope = local ? 'subdivision' : 'country';
      const ccf = ccfFactors.get(id);
      if (ccf !== undefined) setField('ccfIntensityGPerKwh', round(ccf, 2), 'ccf-constants', 2020, 'derived');
    }
    const ttm = provider === 'gcp' ? pueTtm.get(region) : undefined;
    if (ttm !== undefined) {
      setField('pue', ttm, 'ccf-constants', 2022, 'official');
      rec.pueBasis = 'region-ttm';
    } else {
      setField('pue', pueFleet[provider], 'ccf-constants', 2022, 'official');
    }
    if (zone) {
      const fromCcf = provider === 'azure' && AZURE_ZONES_FROM_CCF.has(region);
      rec.fieldSources.electricityMapsZone = fromCcf ? 'ccf-azure-regions' : 'greenml-curated';
      rec.fieldQuality.electricityMapsZone = fromCcf ? 'derived' : 'estimated';
    }
    regions.push(rec);
  };
  AWS_REGIONS.forEach((r) => add('aws', r));
  GCP_REGIONS.forEach((r) => add('gcp', r));
  AZURE_REGIONS.forEach((r) => add('azure', r));

  for (const region of gcp2024.keys()) {
    if (!regions.some((r) => r.id === `gcp:${region}`)) throw new Error(`gcp:${region} has carbon data but no location entry`);
  }
  for (const key of ccfFactors.keys()) {
    const [provider] = key.split(':');
    if (provider !== 'gcp' && !regions.some((r) => r.id === key) && !key.endsWith(':Unknown')) log.push(`CCF factor without a greenml region (aggregate or retired name): ${key}`);
  }
  regions.sort((a, b) => a.id.localeCompare(b.id));
  return regions;
}
