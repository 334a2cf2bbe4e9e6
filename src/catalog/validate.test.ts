import { describe, expect, it } from 'vitest';
import { ACCELERATORS, CPU_MODELS, INSTANCES, PRICES, REGIONS, SOURCES } from './data.js';
import { validateCatalog, validateCpuModels, validatePriceOrder, validatePrices, validateRecords, validateSources } from './validate.js';

const sourceIds = new Set(SOURCES.map((s) => s.id));
const clone = <T>(x: T): T => structuredClone(x);

describe('catalog schema validation', () => {
  it('finds no problem in the bundled data (every record has a known source, a year and units)', () => {
    expect(validateCatalog()).toEqual([]);
  });

  it('rejects a record without a source', () => {
    const r = clone(REGIONS[0]) as unknown as Record<string, unknown>;
    delete r.sourceId;
    expect(validateRecords('regions', [r], sourceIds).join('\n')).toMatch(/sourceId "undefined" is not in the sources table/);
  });

  it('rejects a record citing a source that is not in the sources table', () => {
    const a = { ...clone(ACCELERATORS[0]), sourceId: 'somewhere' };
    expect(validateRecords('accelerators', [a], sourceIds).join('\n')).toMatch(/sourceId "somewhere"/);
  });

  it('rejects a numeric field that has no unit in the schema', () => {
    const a = { ...clone(ACCELERATORS[0]), mysteryWatts: 12 };
    expect(validateRecords('accelerators', [a], sourceIds)).toContain(`accelerators/${a.id}.mysteryWatts: numeric field without a unit in schema.ts (accelerators)`);
  });

  it('rejects a nested numeric field without a unit and per-field sources naming missing fields or sources', () => {
    const i = clone(INSTANCES[0]) as unknown as Record<string, unknown>;
    i.accelerator = { id: 'nvidia-t4', count: 1, wattsEach: 70 };
    i.fieldSources = { ...(i.fieldSources as object), noSuchField: 'ccf-constants', vcpus: 'nope' };
    const problems = validateRecords('instances', [i], sourceIds).join('\n');
    expect(problems).toMatch(/accelerator\.wattsEach: numeric field without a unit/);
    expect(problems).toMatch(/fieldSources\.noSuchField: names no field/);
    expect(problems).toMatch(/fieldSources\.vcpus: "nope" is not a source id/);
  });

  it('rejects a record with neither a data year nor a retrieved date', () => {
    const r = clone(REGIONS[0]) as unknown as Record<string, unknown>;
    delete r.year;
    expect(validateRecords('regions', [r], sourceIds).join('\n')).toMatch(/needs a data year or a retrieved date/);
  });

  it('rejects sources without licence or location', () => {
    const s = { ...clone(SOURCES[0]!), licence: '', url: undefined, repo: undefined, path: undefined };
    const problems = validateSources([s]).join('\n');
    expect(problems).toMatch(/no licence/);
    expect(problems).toMatch(/no url, repo or path/);
  });

  it('rejects price sentinels, unknown instances and spot prices at or above on-demand', () => {
    const table = clone(PRICES);
    const row = clone(table.rows[0]!);
    row[3] = 700;
    row[1] = 'aws:nowhere-1';
    const problems = validatePrices({ ...table, rows: [row] }, sourceIds, new Set(INSTANCES.map((i) => i.id)), new Set(REGIONS.map((r) => r.id))).join('\n');
    expect(problems).toMatch(/usdPerHour 700/);
    expect(problems).toMatch(/unknown region/);
    const od = ['aws:p4d.24xlarge', 'aws:us-east-1', 'on-demand', 10, '2026-01-21', 'tsaol-aws-gpu', 'official', null, null, null] as (typeof row);
    const spot = ['aws:p4d.24xlarge', 'aws:us-east-1', 'spot', 10, '2026-01-21', 'skypilot-catalog', 'official', null, null, null] as (typeof row);
    expect(validatePriceOrder({ ...table, rows: [od, spot] })).toHaveLength(1);
  });

  it('rejects CPU model rows with a bad TDP or source index', () => {
    const bad = { ...CPU_MODELS, rows: [['X 1', 0, null, 0], ['X 2', 10, null, 7]] as typeof CPU_MODELS.rows };
    expect(validateCpuModels(bad, sourceIds)).toHaveLength(2);
  });
});
