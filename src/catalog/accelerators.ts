/** GPUs, TPUs and AWS ML chips: TDP, idle power, dense throughput, memory, embodied emissions. */
import { GreenmlError } from '../core/index.js';
import { ACCELERATORS } from './data.js';
import type { Accelerator, AcceleratorKind } from './types.js';
import { unknownId } from './unknown.js';

export interface AcceleratorFilter {
  kind?: AcceleratorKind;
  vendor?: string;
  /** Keep accelerators with at least this much memory (GB). */
  minMemoryGb?: number;
}

const KINDS: readonly AcceleratorKind[] = ['gpu', 'tpu', 'asic'];

/** Lower case, spaces and underscores as hyphens: "NVIDIA A100-SXM4-40GB" -> "nvidia-a100-sxm4-40gb". */
export const aliasKey = (s: string): string => s.trim().toLowerCase().replace(/[\s_]+/g, '-');

/** Every name an accelerator answers to: id, id without the vendor prefix, display name, aliases. */
export function acceleratorKeys(a: Accelerator): string[] {
  const keys = [a.id, a.id.replace(/^(nvidia|google|aws)-/, ''), a.name, ...a.aliases].map(aliasKey);
  return [...new Set(keys)];
}

let index: Map<string, Accelerator> | undefined;
function byKey(): Map<string, Accelerator> {
  if (!index) {
    index = new Map();
    for (const a of ACCELERATORS) for (const k of acceleratorKeys(a)) if (!index.has(k)) index.set(k, a);
  }
  return index;
}

export function listAccelerators(filter: AcceleratorFilter = {}): Accelerator[] {
  if (filter.kind !== undefined && !KINDS.includes(filter.kind)) {
    throw new GreenmlError('INVALID_INPUT', `Unknown accelerator kind "${filter.kind}". Use one of ${KINDS.join(', ')}.`);
  }
  const vendor = filter.vendor?.toLowerCase();
  return ACCELERATORS.filter((a) => filter.kind === undefined || a.kind === filter.kind)
    .filter((a) => vendor === undefined || a.vendor === vendor)
    .filter((a) => filter.minMemoryGb === undefined || (a.memoryGb ?? 0) >= filter.minMemoryGb);
}

/**
 * An accelerator by id or any alias, case-insensitive: `nvidia-a100-sxm4-80gb`, `A100-80GB`,
 * `a100` (= A100 SXM4 40 GB, as SkyPilot and GCP use it), `nvidia-tesla-t4`, `tpu-v5p`, or the
 * name nvidia-smi prints (`NVIDIA H100 80GB HBM3`).
 */
export function findAccelerator(idOrAlias: string): Accelerator {
  const hit = byKey().get(aliasKey(idOrAlias));
  if (hit) return hit;
  const names = ACCELERATORS.flatMap((a) => [a.id, ...a.aliases]);
  throw unknownId('accelerator', idOrAlias, names, 'Run greenml catalog hardware to list them.');
}
