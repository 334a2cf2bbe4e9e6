/**
 * The static source: a zone's annual average from the catalog, as a flat series. It is the
 * fallback that always answers, and it says so: kind "static", the catalog record's source and
 * year in the label. intensity may not import the catalog, so the CLI passes the lookup in.
 */
import { GreenmlError, type Factor, type IntensitySeries } from '../core/index.js';
import { checkSpan, flatHours } from './series-kit.js';
import type { IntensitySource, SourceDescription } from './source.js';

export type StaticLookup = (zone: string) => Factor;

/** The catalog's intensities are g CO2e/kWh; anything else would be a catalog or wiring error. */
const G_PER_KWH = /^gco2e?(q)?\/kwh$/i;

export function staticSource(lookup: StaticLookup): IntensitySource {
  const series = (zone: string, fromMs: number, toMs: number): IntensitySeries => {
    checkSpan(fromMs, toMs);
    const f = lookup(zone);
    if (!G_PER_KWH.test(f.unit.replace(/\s+/g, ''))) {
      throw new GreenmlError('INTERNAL', `The annual intensity for ${zone} is in ${f.unit}, expected gCO2e/kWh.`);
    }
    return {
      zone,
      signal: 'average',
      kind: 'static',
      source: `${f.source}${f.year === undefined ? '' : `, ${f.year}`} (annual average)`,
      points: flatHours(f.value, fromMs, toMs),
    };
  };
  return {
    id: 'static',
    describe: (): SourceDescription => ({
      id: 'static',
      name: 'greenml catalog annual averages',
      signal: 'average',
      forecasts: false,
      refreshS: 365 * 86_400,
      notes: 'One value per zone and year: no daily or hourly variation, so it never moves a job.',
    }),
    current: async (zone, atMs) => series(zone, atMs, atMs + 1),
    history: async (zone, fromMs, toMs) => series(zone, fromMs, toMs),
    // The annual average is the best a static source can say about the future too.
    forecast: async (zone, fromMs, toMs) => series(zone, fromMs, toMs),
  };
}
