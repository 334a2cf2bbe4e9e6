/**
 * The cleanest interruptible plan: a set of chunks inside [earliest, deadline] whose lengths add up
 * to the job's duration, every chunk at least minChunkS long, at most maxPauses pauses.
 *
 * Algorithm: an exact dynamic programme over equal slots.
 *   1. Slots. From the first point boundary at or after the earliest start, the time up to the
 *      deadline is cut into slots of length q = gcd(every boundary offset, D, minChunk). Every
 *      point boundary falls on a slot edge, so each slot holds one constant value (or lies in a
 *      gap and is unusable), and the job needs exactly k = D / q slots, a chunk at least
 *      m = minChunk / q. On a regular series with a duration of whole steps, q is the step.
 *   2. Programme. off[i][j][c] / on[i][j][c] = the least summed intensity after deciding slots
 *      < i, having used j slots in c chunks, with slot i - 1 idle / busy (the busy chunk being at
 *      least m long). A chunk is opened by taking m slots at once (from an idle state, so two
 *      chunks never touch); a busy chunk may take one more slot or stop. Time O(n·k·c) for n slots,
 *      memory O(n·k·c) bytes for the choices plus m + 1 layers of values.
 *      When the pause limit cannot bind (maxPauses + 1 >= k / m) the chunk count is dropped from
 *      the state; when in addition m = 1 the optimum is simply the k cleanest slots (LWA's
 *      interruptible strategy), found by sorting: O(n log n).
 *   3. Never worse than contiguous. A contiguous window is itself a plan with no pause, and the
 *      programme can express every slot-aligned one; but the best contiguous window may start
 *      mid-slot (at "now", or ending on a boundary). So the result is the better of the programme
 *      and bestWindow's exact contiguous optimum (the contiguous one on a tie: fewer pauses).
 */
import { GreenmlError } from '../errors.js';
import { formatDurationS } from '../format.js';
import { meanIntensityOver, type IntensityPoint } from '../series.js';
import { checkSpec, endOf, firstEndingAfter } from './coverage.js';
import { makePlan } from './plan.js';
import type { InterruptibleSpec, SchedulePlan } from './types.js';
import { baselineOf, isBetter, noWindow, searchContiguous } from './window.js';

/** Largest programme the search accepts: choice bytes (2 per state) stay under about 50 MB. */
export const MAX_PROGRAMME_STATES = 25_000_000;

const gcd = (a: number, b: number): number => {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y > 0) [x, y] = [y, x % y];
  return x;
};

interface Slots {
  anchorMs: number;
  slotMs: number;
  values: Float64Array;
  usable: Uint8Array;
}

/** Equal slots from the first boundary at or after earliestMs up to deadlineMs (see step 1). */
function slotsOver(points: readonly IntensityPoint[], earliestMs: number, deadlineMs: number, durationMs: number, minChunkMs: number): Slots | null {
  const i0 = firstEndingAfter(points, earliestMs);
  const p0 = points[i0];
  if (!p0 || p0.t >= deadlineMs) return null;
  const anchorMs = p0.t >= earliestMs ? p0.t : endOf(p0);
  let slotMs = gcd(Math.round(durationMs), Math.round(minChunkMs));
  for (let i = i0; i < points.length; i++) {
    const p = points[i] as IntensityPoint;
    if (p.t >= deadlineMs) break;
    for (const b of [p.t, endOf(p)]) if (b > anchorMs && b <= deadlineMs) slotMs = gcd(slotMs, Math.round(b - anchorMs));
  }
  const n = Math.floor((deadlineMs - anchorMs) / slotMs);
  if (n <= 0) return null;
  const values = new Float64Array(n);
  const usable = new Uint8Array(n);
  let k = firstEndingAfter(points, anchorMs);
  for (let i = 0; i < n; i++) {
    const start = anchorMs + i * slotMs;
    while (k < points.length && endOf(points[k] as IntensityPoint) <= start) k++;
    const p = points[k];
    if (p && p.t <= start && endOf(p) >= start + slotMs) {
      values[i] = p.intensityGPerKwh;
      usable[i] = 1;
    }
  }
  return { anchorMs, slotMs, values, usable };
}

/** The k cleanest usable slots, ties to the earliest (no pause limit, no minimum chunk). */
function cleanestSlots(slots: Slots, k: number): number[] | null {
  const idx: number[] = [];
  for (let i = 0; i < slots.values.length; i++) if (slots.usable[i]) idx.push(i);
  if (idx.length < k) return null;
  idx.sort((a, b) => (slots.values[a] as number) - (slots.values[b] as number) || a - b);
  return idx.slice(0, k).sort((a, b) => a - b);
}

/** Step 2 of the module comment; returns the used slot indices, or null when none fits. */
function programme(slots: Slots, k: number, m: number, maxChunks: number | null): number[] | null {
  const n = slots.values.length;
  const cd = maxChunks === null ? 1 : maxChunks + 1;
  const layer = (k + 1) * cd;
  const states = (n + 1) * layer;
  if (states > MAX_PROGRAMME_STATES) {
    throw new GreenmlError(
      'INVALID_INPUT',
      `This interruptible search is too large (${n} slots of ${formatDurationS(slots.slotMs / 1000)} for a job of ${k} slots${maxChunks === null ? '' : `, up to ${maxChunks} chunks`}). ` +
        'Give the duration and the minimum chunk in whole steps of the intensity data (e.g. whole 15 or 30 minutes), allow fewer pauses, or move the deadline closer.',
    );
  }
  const pre = new Float64Array(n + 1);
  const usableRun = new Int32Array(n + 1); // usable slots in a row ending at slot i - 1
  for (let i = 0; i < n; i++) {
    pre[i + 1] = (pre[i] as number) + (slots.usable[i] ? (slots.values[i] as number) : 0);
    usableRun[i + 1] = slots.usable[i] ? (usableRun[i] as number) + 1 : 0;
  }
  const ring = m + 1;
  const off = new Float64Array(ring * layer).fill(Infinity);
  const on = new Float64Array(ring * layer).fill(Infinity);
  const offFrom = new Uint8Array(states); // 0: was idle, 1: a chunk stopped
  const onFrom = new Uint8Array(states); // 0: chunk continued, 1: chunk opened with m slots
  off[0] = 0;
  let bestCost = Infinity;
  let bestI = -1;
  let bestC = 0;
  for (let i = 1; i <= n; i++) {
    const cur = (i % ring) * layer;
    const prev = ((i - 1) % ring) * layer;
    const back = ((i - m + ring) % ring) * layer;
    const canOpen = i >= m && (usableRun[i] as number) >= m;
    const openCost = canOpen ? (pre[i] as number) - (pre[i - m] as number) : Infinity;
    const slotUsable = slots.usable[i - 1] === 1;
    const slotValue = slots.values[i - 1] as number;
    for (let j = 0; j <= k; j++) {
      for (let c = 0; c < cd; c++) {
        const s = j * cd + c;
        const idle = off[prev + s] as number;
        const stopped = on[prev + s] as number;
        if (stopped < idle) {
          off[cur + s] = stopped;
          offFrom[i * layer + s] = 1;
        } else {
          off[cur + s] = idle;
        }
        let busy = j >= 1 && slotUsable ? (on[prev + s - cd] as number) + slotValue : Infinity;
        if (canOpen && j >= m && (maxChunks === null || c >= 1)) {
          const opened = (off[back + s - m * cd - (maxChunks === null ? 0 : 1)] as number) + openCost;
          if (opened < busy) {
            busy = opened;
            onFrom[i * layer + s] = 1;
          }
        }
        on[cur + s] = busy;
        if (j === k && busy < bestCost) {
          bestCost = busy;
          bestI = i;
          bestC = c;
        }
      }
    }
  }
  if (bestI < 0) return null;
  const used: number[] = [];
  let i = bestI;
  let j = k;
  let c = bestC;
  let busy = true;
  while (i > 0 && j > 0) {
    const s = i * layer + j * cd + c;
    if (busy) {
      if (onFrom[s] === 1) {
        for (let t = i - m; t < i; t++) used.push(t);
        i -= m;
        j -= m;
        if (maxChunks !== null) c -= 1;
        busy = false;
      } else {
        used.push(i - 1);
        i -= 1;
        j -= 1;
      }
    } else {
      busy = offFrom[s] === 1;
      i -= 1;
    }
  }
  return used.sort((a, b) => a - b);
}

/** Consecutive slot indices → [startMs, endMs) chunks. */
function chunksOf(slots: Slots, used: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const i of used) {
    const start = slots.anchorMs + i * slots.slotMs;
    const last = out[out.length - 1];
    if (last && last[1] === start) last[1] = start + slots.slotMs;
    else out.push([start, start + slots.slotMs]);
  }
  return out;
}

const meanOf = (points: readonly IntensityPoint[], chunks: ReadonlyArray<readonly [number, number]>): number => {
  let weighted = 0;
  let total = 0;
  for (const [a, b] of chunks) {
    weighted += (meanIntensityOver(points, a, b) ?? NaN) * (b - a);
    total += b - a;
  }
  return weighted / total;
};

export interface ChunksFound {
  chunks: Array<[number, number]>;
  meanIntensityGPerKwh: number;
  searchedUntilMs: number;
}

export function checkInterruptible(spec: InterruptibleSpec): void {
  checkSpec(spec);
  if (!(Number.isFinite(spec.minChunkS) && spec.minChunkS >= 0)) {
    throw new GreenmlError('INVALID_INPUT', `minChunkS must be zero or more seconds, got ${String(spec.minChunkS)}.`);
  }
  if (!(Number.isInteger(spec.maxPauses) && spec.maxPauses >= 0)) {
    throw new GreenmlError('INVALID_INPUT', `maxPauses must be a whole number, zero or more, got ${String(spec.maxPauses)}.`);
  }
}

/** The better of the slot programme and the exact contiguous optimum; null when nothing fits. */
export function searchInterruptible(points: readonly IntensityPoint[], spec: InterruptibleSpec): ChunksFound | null {
  const durationMs = spec.durationS * 1000;
  const minChunkMs = Math.min(spec.minChunkS * 1000, durationMs);
  const { best, searchedUntilMs } = searchContiguous(points, spec.earliestStartMs, spec.deadlineMs, durationMs);
  let chosen: Array<[number, number]> | null = null;
  let chosenMean = Infinity;
  const slots = slotsOver(points, spec.earliestStartMs, spec.deadlineMs, durationMs, minChunkMs);
  if (slots) {
    const k = Math.round(durationMs / slots.slotMs);
    const m = Math.max(1, Math.round(minChunkMs / slots.slotMs));
    const unbounded = spec.maxPauses + 1 >= Math.floor(k / m);
    const used = unbounded && m === 1 ? cleanestSlots(slots, k) : programme(slots, k, m, unbounded ? null : spec.maxPauses + 1);
    if (used) {
      chosen = chunksOf(slots, used);
      chosenMean = meanOf(points, chosen);
    }
  }
  if (best && (chosen === null || !isBetter(chosenMean, best.meanIntensityGPerKwh))) {
    return { chunks: [[best.startMs, best.startMs + durationMs]], meanIntensityGPerKwh: best.meanIntensityGPerKwh, searchedUntilMs };
  }
  return chosen ? { chunks: chosen, meanIntensityGPerKwh: chosenMean, searchedUntilMs } : null;
}

/**
 * The cleanest set of chunks before the deadline with every chunk >= minChunkS and at most
 * maxPauses pauses; never worse than the best contiguous window. Same errors as bestWindow.
 */
export function interruptiblePlan(points: readonly IntensityPoint[], spec: InterruptibleSpec): SchedulePlan {
  checkInterruptible(spec);
  const baseline = baselineOf(points, spec);
  const found = searchInterruptible(points, spec);
  if (!found) throw noWindow(points, spec);
  return makePlan({
    strategy: 'interruptible',
    chunks: found.chunks,
    points,
    baseline,
    energyKwh: spec.energyKwh ?? 1,
    searchedUntilMs: found.searchedUntilMs,
  });
}
