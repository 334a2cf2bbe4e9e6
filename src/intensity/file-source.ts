/**
 * Intensity from files on disk (Let's Wait Awhile, Electricity Maps exports, plain CSV/JSON):
 * each file is read and checked once, on first use, then answers history and current for its
 * zone. Files hold reported values, so forecast() is null (wrap with withBaselineForecast).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { GreenmlError, didYouMean, type IntensitySeries } from '../core/index.js';
import { parseIntensityFile, type ParseFileOptions } from './file-formats.js';
import { checkSpan, overlapping, pointAt } from './series-kit.js';
import type { IntensitySource, SourceDescription } from './source.js';

export interface FileSpec extends Omit<ParseFileOptions, 'name'> {
  path: string;
}

export async function readIntensityFile(spec: FileSpec): Promise<ReturnType<typeof parseIntensityFile>> {
  let text: string;
  try {
    text = await readFile(spec.path, 'utf8');
  } catch (e) {
    throw new GreenmlError('INVALID_INPUT', `Cannot read ${spec.path}: ${(e as Error).message}.`, { cause: e });
  }
  return parseIntensityFile(text, { ...spec, name: basename(spec.path) });
}

export function fileSource(files: readonly FileSpec[]): IntensitySource {
  let loaded: Promise<Map<string, IntensitySeries>> | null = null;
  const byZone = (): Promise<Map<string, IntensitySeries>> => {
    loaded ??= (async () => {
      const map = new Map<string, IntensitySeries>();
      for (const spec of files) {
        const { series } = await readIntensityFile(spec);
        if (map.has(series.zone)) throw new GreenmlError('INVALID_INPUT', `Two files describe zone ${series.zone}; give one file per zone.`);
        map.set(series.zone, series);
      }
      return map;
    })();
    return loaded;
  };
  const seriesFor = async (zone: string): Promise<IntensitySeries> => {
    const map = await byZone();
    const hit = map.get(zone) ?? [...map.values()].find((s) => s.zone.toUpperCase() === zone.toUpperCase());
    if (hit) return hit;
    throw new GreenmlError('UNKNOWN_ID', `No intensity file for zone ${zone}.${didYouMean(zone, [...map.keys()])} Files cover: ${[...map.keys()].join(', ') || 'nothing'}.`);
  };
  return {
    id: 'file',
    describe: (): SourceDescription => ({
      id: 'file',
      name: `files (${files.map((f) => basename(f.path)).join(', ')})`,
      signal: files[0]?.signal ?? 'average',
      forecasts: false,
      refreshS: 365 * 86_400,
    }),
    current: async (zone, atMs) => pointAt(await seriesFor(zone), atMs),
    history: async (zone, fromMs, toMs) => {
      checkSpan(fromMs, toMs);
      const s = await seriesFor(zone);
      return { ...s, points: overlapping(s.points, fromMs, toMs) };
    },
    forecast: async () => null,
  };
}
