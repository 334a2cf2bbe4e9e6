/**
 * The one shape progress takes in greenml, whether it was read off a tqdm bar on the child's stderr
 * or logged by the workload in the metrics file. Plain data, so it can be stored, sent and compared.
 */
export type ProgressSource = 'tqdm' | 'metrics';

export interface ProgressEvent {
  /** Share of the whole job done, 0..1; null when the bar has no total (`1234it [00:01, ...]`). */
  fraction: number | null;
  /** Units done on the bar (iterations, bytes, epochs, steps). */
  n: number;
  /** Units in all; null when unknown. */
  total: number | null;
  /** The bar's description ("Epoch 3/40", "Training"), '' when none. */
  desc: string;
  /** The bar's unit ("it", "B", "epoch", "step"). */
  unit: string;
  /** Units per second as the bar printed it (s/it is inverted); null when not printed yet. */
  rateUnitsPerS: number | null;
  /** The bar's own elapsed time, seconds. */
  elapsedS: number | null;
  /** The bar's own estimate of its remaining time, seconds (for this bar only, not the whole run). */
  remainingS: number | null;
  /** Row of the bar below the outermost one (0 = outermost), like tqdm's `position`. */
  barIndex: number;
  /** Epoch number and count when the description says "Epoch k/N"; `fraction` then spans all epochs. */
  epoch: { index: number; count: number } | null;
  source: ProgressSource;
}
