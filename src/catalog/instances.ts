/** Cloud instance types for planning: accelerator families and CPU-only general-purpose and compute-optimised families. */
import { findAccelerator } from './accelerators.js';
import { INSTANCES } from './data.js';
import { checkProvider } from './providers.js';
import type { Instance } from './types.js';
import { GreenmlError } from '../core/index.js';
import { unknownId } from './unknown.js';

export interface InstanceFilter {
  provider?: string;
  /** Accelerator id or alias (`h100`, `A100-80GB`, `tpu-v5p`). */
  accelerator?: string;
  /** Keep instances whose accelerators add up to at least this much memory (GB). */
  minGpuMemoryGb?: number;
  family?: string;
}

const BY_ID = new Map(INSTANCES.map((i) => [i.id.toLowerCase(), i]));

/** Total accelerator memory of an instance (GB), 0 without accelerators. */
export function instanceAcceleratorMemoryGb(i: Instance): number {
  if (!i.accelerator) return 0;
  return (findAccelerator(i.accelerator.id).memoryGb ?? 0) * i.accelerator.count;
}

export function listInstances(filter: InstanceFilter = {}): Instance[] {
  const provider = filter.provider === undefined ? undefined : checkProvider(filter.provider);
  const accelerator = filter.accelerator === undefined ? undefined : findAccelerator(filter.accelerator).id;
  if (filter.minGpuMemoryGb !== undefined && !(filter.minGpuMemoryGb >= 0)) {
    throw new GreenmlError('INVALID_INPUT', `Minimum GPU memory must be a number of GB >= 0, got ${filter.minGpuMemoryGb}.`);
  }
  const family = filter.family?.toLowerCase();
  return INSTANCES.filter((i) => provider === undefined || i.provider === provider)
    .filter((i) => accelerator === undefined || i.accelerator?.id === accelerator)
    .filter((i) => family === undefined || i.family.toLowerCase() === family)
    .filter((i) => filter.minGpuMemoryGb === undefined || instanceAcceleratorMemoryGb(i) >= filter.minGpuMemoryGb);
}

/** An instance by `provider:type` (case-insensitive); a bare type is accepted when one provider has it. */
export function findInstance(id: string): Instance {
  const key = id.trim().toLowerCase();
  const hit = BY_ID.get(key);
  if (hit) return hit;
  if (!key.includes(':')) {
    const bare = INSTANCES.filter((i) => i.type.toLowerCase() === key);
    if (bare.length === 1 && bare[0]) return bare[0];
  }
  throw unknownId('instance type', id, INSTANCES.map((i) => i.id), 'Run greenml catalog instances to list them.');
}
