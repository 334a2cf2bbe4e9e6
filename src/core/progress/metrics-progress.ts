/**
 * Progress a workload reports itself through greenml's metrics file (one JSON object a line):
 *   {"progress": 0.25}             share of the job done, 0..1
 *   {"epoch": 3, "epochs": 40}     epoch 3 of 40 finished (examples/python/greenml_metrics.py)
 *   {"step": 120, "steps": 1000}   step 120 of 1000 finished
 * The meter passes these objects through; anything else is not progress and yields null, never an
 * error, because a workload's log line must never break the wrapper.
 */
import type { ProgressEvent } from './event.js';

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function countEvent(done: unknown, count: unknown, unit: 'epoch' | 'step'): ProgressEvent | null {
  if (!finite(done) || !finite(count) || count <= 0 || done < 0 || done > count) return null;
  return {
    fraction: done / count,
    n: done,
    total: count,
    desc: unit === 'epoch' ? `Epoch ${done}/${count}` : `Step ${done}/${count}`,
    unit,
    rateUnitsPerS: null,
    elapsedS: null,
    remainingS: null,
    barIndex: 0,
    epoch: unit === 'epoch' ? { index: done, count } : null,
    source: 'metrics',
  };
}

/** The progress in one metrics-file object, or null when it holds none (or holds an impossible one). */
export function progressFromMetrics(obj: unknown): ProgressEvent | null {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return null;
  const o = obj as Record<string, unknown>;
  if ('epochs' in o) return countEvent(o['epoch'], o['epochs'], 'epoch');
  if ('steps' in o) return countEvent(o['step'], o['steps'], 'step');
  const p = o['progress'];
  if (!finite(p) || p < 0 || p > 1) return null;
  return {
    fraction: p,
    n: p,
    total: 1,
    desc: 'progress',
    unit: '',
    rateUnitsPerS: null,
    elapsedS: null,
    remainingS: null,
    barIndex: 0,
    epoch: null,
    source: 'metrics',
  };
}
