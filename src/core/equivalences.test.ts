import { describe, expect, it } from 'vitest';
import { EQUIVALENCE_FACTORS, equivalencesFor, type EquivalenceFactor } from './equivalences.js';

// An energy-based factor to exercise that basis: ADEME television use, 3.312 kWh per day, as quoted
// by the CodeCarbon dashboard (shared/research/tracking.md section 5.3).
const tvDays: EquivalenceFactor = { id: 'tv-days', label: 'days of TV', unit: 'days', basis: 'energy', kwhPerUnit: 3.312, source: 'ADEME via CodeCarbon', year: 2024, url: 'https://github.com/mlco2/codecarbon' };
const withTv = [...EQUIVALENCE_FACTORS, tvDays];

describe('equivalences', () => {
  it('divides by each factor on its own basis', () => {
    const byId = Object.fromEntries(equivalencesFor(14_712, 40, { factors: withTv }).map((e) => [e.id, e]));
    expect(byId['car-km-eu']?.value).toBeCloseTo(14_712 / 133, 9);
    expect(byId['smartphone-charges']?.value).toBeCloseTo(14_712 / 8.22, 9);
    expect(byId['tv-days']?.value).toBeCloseTo(40 / 3.312, 9);
    expect(byId['tv-days']?.basis).toBe('energy');
  });
  it('an energy-based equivalent ignores grid intensity, a CO2e one follows it', () => {
    const clean = Object.fromEntries(equivalencesFor(1_000, 40, { factors: withTv }).map((e) => [e.id, e.value]));
    const dirty = Object.fromEntries(equivalencesFor(20_000, 40, { factors: withTv }).map((e) => [e.id, e.value]));
    expect(clean['tv-days']).toBe(dirty['tv-days']);
    expect(dirty['flight-paris-london']).toBeCloseTo(20 * (clean['flight-paris-london'] as number), 9);
  });
  it('picks a subset in the order asked and ignores unknown ids', () => {
    expect(equivalencesFor(100, 1, { ids: ['streaming-hours', 'nope', 'car-miles-us'] }).map((e) => e.id)).toEqual(['streaming-hours', 'car-miles-us']);
  });
  it('every factor is positive, unique and cites a source, year and URL', () => {
    const ids = new Set<string>();
    for (const f of EQUIVALENCE_FACTORS) {
      expect(ids.has(f.id)).toBe(false);
      ids.add(f.id);
      expect(f.basis === 'co2e' ? f.gramsPerUnit : f.kwhPerUnit).toBeGreaterThan(0);
      expect(f.source.length).toBeGreaterThan(10);
      expect(f.year).toBeGreaterThan(1999);
      expect(f.url).toMatch(/^https:\/\//);
    }
  });
  it('rejects negative input', () => {
    expect(() => equivalencesFor(-1, 0)).toThrow(/zero or more/);
  });
});
