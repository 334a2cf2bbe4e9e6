/**
 * The intensity port: one shape for every carbon-intensity source (the catalog's annual averages,
 * files, live providers), so the CLI, the scheduler and the reports never care where a series
 * came from. Times are UTC epoch ms, values g CO2e/kWh. A source has one signal, average or
 * marginal, and says which in describe() and in every series: the two are never mixed.
 */
import type { IntensitySeries, IntensitySignal } from '../core/index.js';

/** `store`: series imported or cached earlier (see storedSource in cache.ts). */
export const SOURCE_IDS = ['static', 'file', 'electricitymaps', 'watttime', 'gb', 'store'] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

export interface SourceDescription {
  id: SourceId;
  /** Human name with the options that change the numbers, e.g. "Electricity Maps API v3 (lifecycle)". */
  name: string;
  signal: IntensitySignal;
  /** Whether forecast() can return a provider forecast (otherwise it returns null or a flat series). */
  forecasts: boolean;
  /** How often the provider publishes new values, seconds: a sensible cache time-to-live. */
  refreshS: number;
  url?: string;
  /** Terms of the data, e.g. "CC BY 4.0". */
  licence?: string;
  notes?: string;
}

export interface IntensitySource {
  readonly id: SourceId;
  describe(): SourceDescription;
  /** The value in force at atMs, as a one-point series. */
  current(zone: string, atMs: number): Promise<IntensitySeries>;
  /** Reported values over [fromMs, toMs): the points overlapping it, in time order. */
  history(zone: string, fromMs: number, toMs: number): Promise<IntensitySeries>;
  /** A forecast over [fromMs, toMs), or null when the source has none. */
  forecast(zone: string, fromMs: number, toMs: number): Promise<IntensitySeries | null>;
}

/** The part of fetch the live adapters use; tests pass a replay of recorded responses. */
export type FetchLike = (url: string, init?: { headers?: Record<string, string>; signal?: AbortSignal }) => Promise<Response>;
