/**
 * The measuring part of resolved settings (flags > env > config file > defaults) as a
 * MeasureRequest: shared by `greenml run` and the agent, so a scheduled job is measured exactly
 * as the same command under `greenml run` would be.
 */
import type { MeasureRequest } from '../app/index.js';
import type { Settings } from './config.js';

export type MeasureSettings = Pick<
  MeasureRequest,
  'intensityGPerKwh' | 'pue' | 'instance' | 'pricing' | 'priceUsdPerHour' | 'electricityUsdPerKwh' | 'intervalS' | 'flushEveryS' | 'attribution' | 'memoryWPerGb'
>;

export function measureSettings(s: Settings, defaultFlushEveryS: number): MeasureSettings {
  return {
    ...(s.intensity !== undefined ? { intensityGPerKwh: s.intensity } : {}),
    ...(s.pue !== undefined ? { pue: s.pue } : {}),
    ...(s.instance !== undefined ? { instance: s.instance } : {}),
    ...(s.pricing !== undefined ? { pricing: s.pricing } : {}),
    ...(s.pricePerHour !== undefined ? { priceUsdPerHour: s.pricePerHour } : {}),
    ...(s.electricityPricePerKwh !== undefined ? { electricityUsdPerKwh: s.electricityPricePerKwh } : {}),
    ...(s.interval !== undefined ? { intervalS: s.interval } : {}),
    flushEveryS: s.flushEvery ?? defaultFlushEveryS,
    ...(s.attribution !== undefined ? { attribution: s.attribution } : {}),
    ...(s.memoryWPerGb !== undefined ? { memoryWPerGb: s.memoryWPerGb } : {}),
  };
}
