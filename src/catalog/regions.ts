/** Cloud regions: location, grid intensity, CFE%, PUE and Electricity Maps zone. */
import { GreenmlError } from '../core/index.js';
import { REGIONS } from './data.js';
import { UNITS } from './schema.js';
import { fieldFactor } from './sources.js';
import type { CatalogFactor, Region } from './types.js';
import { unknownId } from './unknown.js';
import { findCountry } from './countries.js';
import { checkProvider } from './providers.js';

export interface RegionFilter {
  provider?: string;
  /** ISO 3166-1 alpha-2 country (case-insensitive), or a US/CA subdivision such as `US-VA`. */
  country?: string;
  /** Keep regions at or below this grid intensity (gCO2e/kWh). */
  maxIntensity?: number;
}

const BY_ID = new Map(REGIONS.map((r) => [r.id.toLowerCase(), r]));

/** Regions sorted by grid intensity (lowest first), then id. */
export function listRegions(filter: RegionFilter = {}): Region[] {
  const provider = filter.provider === undefined ? undefined : checkProvider(filter.provider);
  const country = filter.country === undefined ? undefined : findCountry(filter.country).id;
  if (filter.maxIntensity !== undefined && !(filter.maxIntensity >= 0)) {
    throw new GreenmlError('INVALID_INPUT', `Maximum intensity must be a number of gCO2e/kWh >= 0, got ${filter.maxIntensity}.`);
  }
  return REGIONS.filter((r) => (provider === undefined || r.provider === provider))
    .filter((r) => country === undefined || r.country === country || r.subdivision === country)
    .filter((r) => filter.maxIntensity === undefined || r.intensityGPerKwh <= filter.maxIntensity)
    .sort((a, b) => a.intensityGPerKwh - b.intensityGPerKwh || a.id.localeCompare(b.id));
}

/**
 * A region by id (`gcp:europe-west4`), case-insensitive. A bare region name (`us-east-1`) is accepted
 * when exactly one provider has it.
 */
export function findRegion(id: string): Region {
  const key = id.trim().toLowerCase();
  const hit = BY_ID.get(key);
  if (hit) return hit;
  if (!key.includes(':')) {
    const bare = REGIONS.filter((r) => r.region.toLowerCase() === key);
    if (bare.length === 1 && bare[0]) return bare[0];
    if (bare.length > 1) {
      throw new GreenmlError('UNKNOWN_ID', `Region "${id}" exists at several providers: ${bare.map((r) => r.id).join(', ')}. Use provider:region.`, {
        details: { suggestions: bare.map((r) => r.id) },
      });
    }
  }
  throw unknownId('region', id, REGIONS.map((r) => r.id), 'Run greenml catalog regions to list them.');
}

/** The region's annual grid intensity as a factor, with its own source and year. */
export function regionIntensity(region: Region): CatalogFactor {
  const scope = region.intensityScope === 'region' ? 'the provider\'s figure for the region' : region.intensityScope === 'subdivision' ? `state/province ${region.subdivision}` : `country ${region.country}`;
  return fieldFactor(region, 'intensityGPerKwh', region.intensityGPerKwh, UNITS.regions.intensityGPerKwh, `${region.intensityBasis} annual average, ${scope}`);
}

/** The region's PUE as a factor (regional trailing-twelve-month value or the provider's fleet value). */
export function regionPue(region: Region): CatalogFactor {
  return fieldFactor(region, 'pue', region.pue, 'ratio', region.pueBasis === 'region-ttm' ? 'regional trailing-twelve-month PUE' : 'provider fleet PUE');
}
