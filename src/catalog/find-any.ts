/** Any catalog record by id, with every field's unit and provenance (for `greenml catalog show`). */
import { isGreenmlError } from '../core/index.js';
import { acceleratorKeys, aliasKey, findAccelerator } from './accelerators.js';
import { findCountry } from './countries.js';
import { findCpuArchitecture } from './cpu.js';
import { ACCELERATORS, COUNTRIES, CPU_ARCHITECTURES, INSTANCES, REGIONS } from './data.js';
import { findInstance } from './instances.js';
import { findRegion } from './regions.js';
import { unitOf, type TableName } from './schema.js';
import { fieldProvenance, sourceById } from './sources.js';
import type { CatalogEntry, CatalogField, CatalogKind, Provenance } from './types.js';
import { unknownId } from './unknown.js';

/** Fields that describe provenance itself; shown through each field's source instead. */
const META = new Set(['sourceId', 'year', 'retrieved', 'quality', 'fieldSources', 'fieldYears', 'fieldQuality']);

const TABLE: Record<CatalogKind, TableName> = {
  region: 'regions',
  accelerator: 'accelerators',
  instance: 'instances',
  country: 'countries',
  'cpu-architecture': 'cpuArchitectures',
};

export function describe(kind: CatalogKind, record: Provenance & { id: string }): CatalogEntry {
  const fields: CatalogField[] = [];
  for (const [name, value] of Object.entries(record)) {
    if (META.has(name)) continue;
    if (name === 'accelerator' && value && typeof value === 'object') {
      for (const [sub, v] of Object.entries(value as Record<string, unknown>)) fields.push(field(kind, record, `accelerator.${sub}`, v));
      continue;
    }
    fields.push(field(kind, record, name, value));
  }
  return { kind, id: record.id, record: record as CatalogEntry['record'], fields };
}

function field(kind: CatalogKind, record: Provenance, name: string, value: unknown): CatalogField {
  // An absent value has no source to cite.
  if (value === null || value === undefined) return { name, value: null };
  const p = fieldProvenance(record, name);
  const f: CatalogField = { name, value, sourceId: p.sourceId, source: sourceById(p.sourceId).source };
  const unit = typeof value === 'number' ? unitOf(TABLE[kind], name) : undefined;
  if (unit) f.unit = unit;
  if (p.year !== undefined) f.year = p.year;
  if (p.quality) f.quality = p.quality;
  return f;
}

/**
 * Looks an id up as a region, accelerator, instance, country or CPU micro-architecture, in that
 * order. Bare names are accepted where they are unambiguous (`us-east-1`, `h100`, `FR`).
 */
export function findAny(id: string): CatalogEntry {
  const attempts: Array<[CatalogKind, () => Provenance & { id: string }]> = [
    ['region', () => findRegion(id)],
    ['accelerator', () => findAccelerator(id)],
    ['instance', () => findInstance(id)],
    ['country', () => findCountry(id)],
    ['cpu-architecture', () => findCpuArchitecture(id)],
  ];
  for (const [kind, lookup] of attempts) {
    try {
      return describe(kind, lookup());
    } catch (e) {
      if (!(isGreenmlError(e) && e.code === 'UNKNOWN_ID')) throw e;
    }
  }
  const ids = [
    ...REGIONS.map((r) => r.id),
    ...ACCELERATORS.flatMap((a) => [a.id, ...acceleratorKeys(a).filter((k) => k !== aliasKey(a.id))]),
    ...INSTANCES.map((i) => i.id),
    ...COUNTRIES.map((c) => c.id),
    ...CPU_ARCHITECTURES.map((c) => c.id),
  ];
  throw unknownId('catalog id', id, ids, 'Run greenml catalog regions, hardware or instances to list ids.');
}
