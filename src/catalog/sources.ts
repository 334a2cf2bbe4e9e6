/** The sources table and the provenance helpers every lookup uses to build a `CatalogFactor`. */
import { GreenmlError } from '../core/index.js';
import { SOURCES } from './data.js';
import type { CatalogFactor, CatalogSource, Provenance, Quality } from './types.js';

const BY_ID = new Map(SOURCES.map((s) => [s.id, s]));

export function catalogSources(): CatalogSource[] {
  return SOURCES.map((s) => ({ ...s }));
}

export function sourceById(id: string): CatalogSource {
  const s = BY_ID.get(id);
  if (!s) throw new GreenmlError('INTERNAL', `The catalog names an unknown source "${id}". Rebuild the catalog (docs/catalog.md).`);
  return s;
}

/** Where one field of a record comes from: its own source if it has one, else the record's. */
export function fieldProvenance(rec: Provenance, field: string): { sourceId: string; year: number | undefined; quality: Quality | undefined } {
  const sourceId = rec.fieldSources?.[field] ?? rec.sourceId;
  const year = rec.fieldYears?.[field] ?? (rec.fieldSources?.[field] ? sourceById(sourceId).year : rec.year);
  return { sourceId, year, quality: rec.fieldQuality?.[field] ?? rec.quality };
}

/** A factor for `value` citing `sourceId`. */
export function catalogFactor(
  value: number,
  unit: string,
  sourceId: string,
  opts: { year?: number; quality?: Quality; basis?: string; note?: string } = {},
): CatalogFactor {
  const src = sourceById(sourceId);
  const f: CatalogFactor = { value, unit, source: src.source, sourceId, quality: opts.quality ?? 'official' };
  const year = opts.year ?? src.year;
  if (year !== undefined) f.year = year;
  if (src.url) f.url = src.url;
  if (src.retrieved) f.retrieved = src.retrieved;
  if (opts.basis) f.basis = opts.basis;
  if (opts.note) f.note = opts.note;
  return f;
}

/** The factor for a numeric field of a record, with that field's own provenance. */
export function fieldFactor(rec: Provenance, field: string, value: number, unit: string, basis?: string): CatalogFactor {
  const p = fieldProvenance(rec, field);
  return catalogFactor(value, unit, p.sourceId, { year: p.year, quality: p.quality ?? 'official', basis });
}
