/** Annual grid intensity per country (OWID/Ember) and per US state / Canadian province (Green Algorithms). */
import { COUNTRIES } from './data.js';
import { UNITS } from './schema.js';
import { catalogFactor } from './sources.js';
import { factorById } from './factors.js';
import type { CatalogFactor, Country } from './types.js';
import { unknownId } from './unknown.js';

const BY_CODE = new Map<string, Country>();
for (const c of COUNTRIES) {
  BY_CODE.set(c.id, c);
  if (c.iso3) BY_CODE.set(c.iso3, c);
}

/** Countries (and US/CA subdivisions), sorted by code. */
export function listCountries(filter: { kind?: Country['kind'] } = {}): Country[] {
  return COUNTRIES.filter((c) => filter.kind === undefined || c.kind === filter.kind);
}

/** A country by ISO 3166-1 alpha-2 or alpha-3 code, or a subdivision such as `US-CA` (case-insensitive). */
export function findCountry(code: string): Country {
  const c = BY_CODE.get(code.trim().toUpperCase());
  if (c) return c;
  throw unknownId('country code', code, COUNTRIES.map((x) => x.id), 'Use an ISO 3166-1 code such as FR or DEU, or a US/Canadian subdivision such as US-VA.');
}

/** The annual average grid intensity of a country or subdivision. */
export function countryIntensity(code: string): CatalogFactor {
  const c = findCountry(code);
  return catalogFactor(c.intensityGPerKwh, UNITS.countries.intensityGPerKwh, c.sourceId, {
    year: c.year,
    quality: c.quality ?? 'derived',
    basis: `location-based annual average, ${c.name}`,
  });
}

/** The world average grid intensity, the fallback for an unknown location. */
export function worldIntensity(): CatalogFactor {
  return factorById('world-intensity');
}
