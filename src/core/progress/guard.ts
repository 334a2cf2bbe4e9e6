/**
 * Per-run guards: `greenml run --max-co2e 2kg --max-cost 30 --max-kwh 10 --on-exceed warn|stop
 * --warmup 0.1`. A pure decision taken each time a new prediction is made; the runner acts on it
 * (prints the warning, or stops the child) and keeps the returned state for the next call.
 *
 * Rules:
 * - A predicted total above a limit fires only once the job is past the warm-up fraction, because
 *   early predictions lean on a few noisy points (and on the slow start).
 * - An actual amount above a limit fires at once, warm-up or not: it is already spent, and a hard
 *   limit that waited for progress would never fire on a job that reports none.
 * - The central prediction is compared with the limit (as AWS Budgets' forecasted alerts compare the
 *   forecast); the range travels with the trigger so the user sees how sure it is.
 * - Each limit warns once; `stop` is returned once (the runner then stops the child).
 */
import { GreenmlError } from '../errors.js';
import { formatEnergyKwh, formatMassG, formatPercent, formatUsd } from '../format.js';
import { parseEnergyKwh, parseMassG, parseNumberIn, parseUsd } from '../quantities.js';
import { didYouMean } from '../suggest.js';
import type { Estimate, RunPrediction } from './predict.js';

export const GUARD_LIMITS = ['energy', 'co2e', 'cost'] as const;
export type GuardLimit = (typeof GUARD_LIMITS)[number];
export const ON_EXCEED = ['warn', 'stop'] as const;
export type OnExceed = (typeof ON_EXCEED)[number];

/** Default warm-up: 10 % of the job (greenml, 2026; Carbontracker predicts after its first epoch). */
export const DEFAULT_WARMUP_FRACTION = 0.1;

export interface GuardConfig {
  maxKwh: number | null;
  maxCo2eG: number | null;
  maxCostUsd: number | null;
  onExceed: OnExceed;
  warmupFraction: number;
}

export interface GuardInput {
  prediction: RunPrediction | null;
  /** Latest progress, 0..1, or null when the job reports none. */
  fraction: number | null;
  actual: { energyKwh: number; co2eG: number | null; costUsd: number | null };
}

export interface GuardState {
  warned: GuardLimit[];
  stopped: boolean;
}

export interface GuardTrigger {
  limit: GuardLimit;
  basis: 'actual' | 'predicted';
  /** The limit in the unit below. */
  limitValue: number;
  /** The actual amount, or the central predicted total. */
  value: number;
  unit: 'kWh' | 'gCO2e' | 'USD';
  predicted: Estimate | null;
  fraction: number | null;
  message: string;
}

export interface GuardDecision {
  action: 'none' | 'warn' | 'stop';
  triggers: GuardTrigger[];
  state: GuardState;
  /** The prediction the decision was taken on. */
  prediction: RunPrediction | null;
}

export const initialGuardState = (): GuardState => ({ warned: [], stopped: false });

const FLAG: Record<GuardLimit, string> = { energy: '--max-kwh', co2e: '--max-co2e', cost: '--max-cost' };
const UNIT: Record<GuardLimit, GuardTrigger['unit']> = { energy: 'kWh', co2e: 'gCO2e', cost: 'USD' };
const FORMAT: Record<GuardLimit, (x: number) => string> = { energy: formatEnergyKwh, co2e: formatMassG, cost: formatUsd };

function limitOf(config: GuardConfig, limit: GuardLimit): number | null {
  return limit === 'energy' ? config.maxKwh : limit === 'co2e' ? config.maxCo2eG : config.maxCostUsd;
}

function actualOf(input: GuardInput, limit: GuardLimit): number | null {
  return limit === 'energy' ? input.actual.energyKwh : limit === 'co2e' ? input.actual.co2eG : input.actual.costUsd;
}

function predictedOf(p: RunPrediction, limit: GuardLimit): Estimate | null {
  return limit === 'energy' ? p.energyKwh : limit === 'co2e' ? p.co2eG : p.costUsd;
}

function trigger(config: GuardConfig, input: GuardInput, limit: GuardLimit): GuardTrigger | null {
  const max = limitOf(config, limit);
  if (max === null) return null;
  const fmt = FORMAT[limit];
  const actual = actualOf(input, limit);
  const common = { limit, limitValue: max, unit: UNIT[limit], fraction: input.fraction };
  if (actual !== null && actual > max) {
    return { ...common, basis: 'actual', value: actual, predicted: null, message: `${fmt(actual)} used so far exceeds ${FLAG[limit]} ${fmt(max)}.` };
  }
  const p = input.prediction;
  if (p === null || input.fraction === null || input.fraction < config.warmupFraction) return null;
  if (p.status !== 'ok' && p.status !== 'stalled') return null;
  const est = predictedOf(p, limit);
  if (est === null || !(est.central > max)) return null;
  const range = `${fmt(est.low)}-${est.high === null ? 'unbounded' : fmt(est.high)}`;
  const stalled = p.status === 'stalled' ? ' Progress has stalled.' : '';
  return {
    ...common,
    basis: 'predicted',
    value: est.central,
    predicted: est,
    message: `Predicted total ${fmt(est.central)} (range ${range}) exceeds ${FLAG[limit]} ${fmt(max)} at ${formatPercent(input.fraction, 0)} progress.${stalled}`,
  };
}

export function decideGuard(config: GuardConfig, input: GuardInput, state: GuardState = initialGuardState()): GuardDecision {
  const found = GUARD_LIMITS.map((l) => trigger(config, input, l)).filter((t): t is GuardTrigger => t !== null);
  if (config.onExceed === 'stop') {
    if (state.stopped || found.length === 0) return { action: 'none', triggers: [], state, prediction: input.prediction };
    const warned = [...new Set([...state.warned, ...found.map((t) => t.limit)])];
    return { action: 'stop', triggers: found, state: { warned, stopped: true }, prediction: input.prediction };
  }
  const fresh = found.filter((t) => !state.warned.includes(t.limit));
  if (fresh.length === 0) return { action: 'none', triggers: [], state, prediction: input.prediction };
  return {
    action: 'warn',
    triggers: fresh,
    state: { warned: [...state.warned, ...fresh.map((t) => t.limit)], stopped: state.stopped },
    prediction: input.prediction,
  };
}

export interface GuardFlags {
  maxCo2e?: string;
  maxCost?: string;
  maxKwh?: string;
  onExceed?: string;
  warmup?: string;
}

function positive(value: number, flag: string, example: string): number {
  if (!(value > 0)) throw new GreenmlError('INVALID_INPUT', `${flag} must be greater than zero, e.g. ${flag} ${example}.`);
  return value;
}

/**
 * Reads the guard flags of `greenml run`. Returns null when no limit is set. --max-kwh takes a bare
 * number as kWh (the flag names the unit) or an energy with a unit; --max-co2e needs a mass unit.
 */
export function parseGuardFlags(flags: GuardFlags): GuardConfig | null {
  const maxKwh =
    flags.maxKwh === undefined
      ? null
      : positive(/^\s*\d+(\.\d+)?\s*$/.test(flags.maxKwh) ? Number(flags.maxKwh) : parseEnergyKwh(flags.maxKwh, '--max-kwh'), '--max-kwh', '10');
  const maxCo2eG = flags.maxCo2e === undefined ? null : positive(parseMassG(flags.maxCo2e, '--max-co2e'), '--max-co2e', '2kg');
  const maxCostUsd = flags.maxCost === undefined ? null : positive(parseUsd(flags.maxCost, '--max-cost'), '--max-cost', '30');
  const onExceedText = (flags.onExceed ?? 'warn').trim().toLowerCase();
  if (!(ON_EXCEED as readonly string[]).includes(onExceedText)) {
    throw new GreenmlError('INVALID_INPUT', `Invalid --on-exceed "${flags.onExceed}": use warn or stop.${didYouMean(onExceedText, ON_EXCEED)}`);
  }
  let warmupFraction = DEFAULT_WARMUP_FRACTION;
  if (flags.warmup !== undefined) {
    const w = flags.warmup.trim();
    warmupFraction = w.endsWith('%') ? parseNumberIn(w.slice(0, -1), '--warmup (percent)', 0, 100) / 100 : parseNumberIn(w, '--warmup', 0, 1);
  }
  if (maxKwh === null && maxCo2eG === null && maxCostUsd === null) {
    if (flags.onExceed !== undefined || flags.warmup !== undefined) {
      throw new GreenmlError('INVALID_INPUT', '--on-exceed and --warmup need a limit: add --max-co2e 2kg, --max-cost 30 or --max-kwh 10.');
    }
    return null;
  }
  return { maxKwh, maxCo2eG, maxCostUsd, onExceed: onExceedText as OnExceed, warmupFraction };
}
