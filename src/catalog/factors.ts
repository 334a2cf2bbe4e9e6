/** Single-valued factors: PUE defaults, embodied defaults, generic fallbacks, commitment discounts. */
import { GreenmlError, didYouMean } from '../core/index.js';
import { FACTORS } from './data.js';
import { catalogFactor } from './sources.js';
import type { CatalogFactor, EmbodiedDefaults } from './types.js';
import { unknownId } from './unknown.js';

const BY_ID = new Map(FACTORS.map((f) => [f.id, f]));

export function listFactors(): CatalogFactor[] {
  return FACTORS.map((f) => factorById(f.id));
}

/** A factor by id (see data/factors.json), e.g. `pue-unknown`, `gcp-tpu-commit-1y`. */
export function factorById(id: string): CatalogFactor {
  const f = BY_ID.get(id);
  if (!f) throw unknownId('factor', id, FACTORS.map((x) => x.id), 'The factor ids are listed in docs/catalog.md.');
  return catalogFactor(f.value, f.unit, f.sourceId, { year: f.year, quality: f.quality, basis: f.name, note: f.note });
}

export const PUE_TARGETS = ['aws', 'gcp', 'azure', 'unknown', 'local'] as const;
export type PueTarget = (typeof PUE_TARGETS)[number];

/**
 * Default PUE: the provider's fleet value (a region's own value is on the region), 1.56 for an
 * unknown data centre (Uptime Institute 2024), 1.0 for a local machine.
 */
export function pueFor(target: PueTarget | string): CatalogFactor {
  const t = target.trim().toLowerCase();
  if (!(PUE_TARGETS as readonly string[]).includes(t)) {
    throw new GreenmlError('INVALID_INPUT', `No default PUE for "${target}".${didYouMean(target, PUE_TARGETS)} Use one of ${PUE_TARGETS.join(', ')}.`);
  }
  return factorById(`pue-${t}`);
}

/** Embodied-emission defaults per server, vCPU, GPU and disk, and the amortisation lifespan. */
export function embodiedDefaults(): EmbodiedDefaults {
  return {
    serverKg: factorById('embodied-server-kg'),
    perVcpuKg: factorById('embodied-per-vcpu-kg'),
    perGpuKg: factorById('embodied-per-gpu-kg'),
    perSsdKg: factorById('embodied-per-ssd-kg'),
    perHddKg: factorById('embodied-per-hdd-kg'),
    lifespanH: factorById('server-lifespan-h'),
  };
}

export interface Billing {
  incrementS: CatalogFactor;
  minimumS: CatalogFactor;
}

/**
 * How a provider rounds instance time (AWS and GCP: per second, 60-second minimum). Null where the
 * catalog has no cited rule (Azure): bill the exact duration.
 */
export function billingFor(provider: string): Billing | null {
  const p = provider.trim().toLowerCase();
  if (!BY_ID.has(`billing-${p}-increment-s`)) return null;
  return { incrementS: factorById(`billing-${p}-increment-s`), minimumS: factorById(`billing-${p}-minimum-s`) };
}
