/** CPU micro-architectures: watts per vCPU at idle and full load (CCF, from SPECpower). */
import { CPU_ARCHITECTURES } from './data.js';
import { checkProvider } from './providers.js';
import type { CpuArchitecture, Provider } from './types.js';
import { unknownId } from './unknown.js';

/** "AMD EPYC 3rd Gen" -> "epyc-3rd-gen"; "Cascade Lake" -> "cascade-lake". */
const archKey = (s: string): string =>
  s.trim().toLowerCase().replace(/^(amd|intel|aws)\s+/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export function listCpuArchitectures(filter: { provider?: string } = {}): CpuArchitecture[] {
  const provider = filter.provider === undefined ? undefined : checkProvider(filter.provider);
  return CPU_ARCHITECTURES.filter((a) => provider === undefined || a.provider === provider);
}

/**
 * A micro-architecture by name ("Cascade Lake", "EPYC 3rd Gen", "unknown") or id ("gcp:ice-lake").
 * Values come from the provider's own coefficient file when it has the architecture, else from
 * AWS's (the most complete and recent, 2026), else from any provider.
 */
export function findCpuArchitecture(name: string, provider: Provider | string = 'aws'): CpuArchitecture {
  const byId = CPU_ARCHITECTURES.find((a) => a.id === name.trim().toLowerCase());
  if (byId) return byId;
  const p = checkProvider(provider);
  const key = archKey(name);
  const matches = CPU_ARCHITECTURES.filter((a) => archKey(a.name) === key);
  const hit = matches.find((a) => a.provider === p) ?? matches.find((a) => a.provider === 'aws') ?? matches[0];
  if (hit) return hit;
  const names = [...new Set(CPU_ARCHITECTURES.map((a) => a.name))];
  throw unknownId('CPU micro-architecture', name, names, 'Run greenml catalog hardware --kind cpu-arch to list them.');
}
