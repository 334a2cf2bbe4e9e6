/**
 * Energy from power samples, for sources that report power rather than a counter (nvidia-smi
 * power.draw, a model evaluated per tick). Samples are epoch-ms timestamps with watts.
 */
import { GreenmlError } from '../errors.js';
import { requireFinite } from './validate.js';

export interface PowerSample {
  /** Epoch ms. */
  t: number;
  powerW: number;
}

function checkOrder(samples: readonly PowerSample[]): void {
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as PowerSample;
    requireFinite(s.t, `Sample ${i} time (epoch ms)`);
    requireFinite(s.powerW, `Sample ${i} power (W)`);
    if (i > 0 && s.t < (samples[i - 1] as PowerSample).t) {
      throw new GreenmlError('INVALID_INPUT', `Power samples must be in time order: sample ${i} (t=${s.t}) is before sample ${i - 1}. Sort them by t first.`);
    }
  }
}

/**
 * Trapezoidal rule (Zeus PowerMonitor, zeus/monitor/power.py): joules between the first and the last
 * sample. Fewer than two samples span no time and give 0 J.
 */
export function trapezoidJ(samples: readonly PowerSample[]): number {
  checkOrder(samples);
  let energyJ = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1] as PowerSample;
    const b = samples[i] as PowerSample;
    energyJ += ((a.powerW + b.powerW) / 2) * ((b.t - a.t) / 1000);
  }
  return energyJ;
}

/**
 * Left-hold (rectangle) rule: each sample's power holds until the next one, and the last one holds
 * until `endMs` when given (experiment-impact-tracker carries the last sample forward). Use it for
 * power that is itself an average over the preceding interval only when the first sample starts it.
 */
export function leftHoldJ(samples: readonly PowerSample[], endMs?: number): number {
  checkOrder(samples);
  let energyJ = 0;
  for (let i = 0; i < samples.length; i++) {
    const a = samples[i] as PowerSample;
    const next = i + 1 < samples.length ? (samples[i + 1] as PowerSample).t : endMs;
    if (next === undefined) break;
    if (next < a.t) throw new GreenmlError('INVALID_INPUT', `End time ${next} is before the last sample (t=${a.t}); give an end at or after the last sample.`);
    energyJ += a.powerW * ((next - a.t) / 1000);
  }
  return energyJ;
}

/** Mean power over a duration; 0 for an empty duration. */
export function meanPowerW(energyJ: number, durationS: number): number {
  return durationS > 0 ? energyJ / durationS : 0;
}
