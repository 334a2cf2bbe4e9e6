/**
 * Schema checks over the bundled data, as plain functions (catalog imports only core). Each returns
 * the problems it finds as sentences naming the table, record and field; an empty list is a valid
 * catalog. The rules: every record has a known `sourceId` and a `year` (or `retrieved` date);
 * every numeric field has a unit in schema.ts; every per-field source, quality and year is well
 * formed; ids are unique; cross references (instance -> accelerator, price -> instance/region)
 * resolve; and the values are in range.
 */
import { acceleratorKeys } from './accelerators.js';
import {
  ACCELERATORS, COUNTRIES, CPU_ARCHITECTURES, CPU_MODELS, FACTORS, INSTANCES, PRICES, REGIONS, SOURCES,
  type CompactTable, type CpuModelTable, type PriceRow,
} from './data.js';
import { UNITS, type TableName } from './schema.js';
import { PRICINGS, PROVIDERS, QUALITIES, type Accelerator, type CatalogSource, type FactorRecord, type Instance, type Region } from './types.js';

type Rec = Record<string, unknown>;

const isObj = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isYear = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1990 && v <= 2100;
const isDate = (v: unknown): boolean => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

export function validateSources(sources: readonly CatalogSource[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of sources) {
    const where = `sources/${String(s.id)}`;
    if (typeof s.id !== 'string' || !s.id) problems.push(`${where}: no id`);
    if (seen.has(s.id)) problems.push(`${where}: duplicate id`);
    seen.add(s.id);
    for (const k of ['source', 'licence', 'attribution'] as const) if (typeof s[k] !== 'string' || !s[k]) problems.push(`${where}: no ${k}`);
    if (!s.url && !s.repo && !s.path) problems.push(`${where}: no url, repo or path to find it by`);
    if (s.year === undefined && s.retrieved === undefined) problems.push(`${where}: neither year nor retrieved`);
    if (s.retrieved !== undefined && !isDate(s.retrieved)) problems.push(`${where}: retrieved "${s.retrieved}" is not YYYY-MM-DD`);
  }
  return problems;
}

/** Provenance, units and ids of an object table. */
export function validateRecords(table: TableName, records: readonly unknown[], sourceIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const units = UNITS[table] as Record<string, string>;
  const ids = new Set<string>();
  records.forEach((raw, i) => {
    if (!isObj(raw)) {
      problems.push(`${table}[${i}]: not an object`);
      return;
    }
    const id = typeof raw.id === 'string' ? raw.id : `#${i}`;
    const where = `${table}/${id}`;
    if (typeof raw.id !== 'string' || !raw.id) problems.push(`${where}: no id`);
    else if (ids.has(raw.id)) problems.push(`${where}: duplicate id`);
    else ids.add(raw.id);
    if (typeof raw.sourceId !== 'string' || !sourceIds.has(raw.sourceId)) problems.push(`${where}: sourceId "${String(raw.sourceId)}" is not in the sources table`);
    if (!isYear(raw.year) && !isDate(raw.retrieved)) problems.push(`${where}: needs a data year or a retrieved date`);
    if (raw.quality !== undefined && !(QUALITIES as readonly unknown[]).includes(raw.quality)) problems.push(`${where}: quality "${String(raw.quality)}" is not one of ${QUALITIES.join('|')}`);
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) problems.push(`${where}.${k}: not a finite number`);
        if (!units[k]) problems.push(`${where}.${k}: numeric field without a unit in schema.ts (${table})`);
      }
      if (isObj(v) && !k.startsWith('field')) {
        for (const [sub, sv] of Object.entries(v)) {
          if (typeof sv === 'number' && !units[`${k}.${sub}`]) problems.push(`${where}.${k}.${sub}: numeric field without a unit in schema.ts (${table})`);
        }
      }
    }
    checkFieldMaps(where, raw, sourceIds, problems);
  });
  return problems;
}

function checkFieldMaps(where: string, raw: Rec, sourceIds: ReadonlySet<string>, problems: string[]): void {
  const fieldExists = (f: string): boolean => {
    const [head, sub] = f.split('.');
    if (head === undefined || !(head in raw)) return false;
    return sub === undefined || (isObj(raw[head]) && sub in (raw[head] as Rec));
  };
  const maps: Array<[string, (v: unknown) => boolean, string]> = [
    ['fieldSources', (v) => typeof v === 'string' && sourceIds.has(v), 'a source id'],
    ['fieldQuality', (v) => (QUALITIES as readonly unknown[]).includes(v), QUALITIES.join('|')],
    ['fieldYears', isYear, 'a year'],
  ];
  for (const [name, ok, expected] of maps) {
    const m = raw[name];
    if (m === undefined) continue;
    if (!isObj(m)) {
      problems.push(`${where}.${name}: not an object`);
      continue;
    }
    for (const [f, v] of Object.entries(m)) {
      if (!fieldExists(f)) problems.push(`${where}.${name}.${f}: names no field of the record`);
      if (!ok(v)) problems.push(`${where}.${name}.${f}: "${String(v)}" is not ${expected}`);
    }
  }
}

export function validateRegions(regions: readonly Region[]): string[] {
  const problems: string[] = [];
  for (const r of regions) {
    const where = `regions/${r.id}`;
    if (!(PROVIDERS as readonly string[]).includes(r.provider)) problems.push(`${where}: provider ${r.provider}`);
    if (r.id !== `${r.provider}:${r.region}`) problems.push(`${where}: id is not provider:region`);
    if (!/^[A-Z]{2}$/.test(r.country)) problems.push(`${where}: country "${r.country}" is not ISO 3166-1 alpha-2`);
    if (!(r.intensityGPerKwh >= 0 && r.intensityGPerKwh < 2000)) problems.push(`${where}: intensity ${r.intensityGPerKwh} out of range`);
    if (!(r.pue >= 1 && r.pue < 3)) problems.push(`${where}: PUE ${r.pue} out of range`);
    if (r.cfeFraction !== null && !(r.cfeFraction >= 0 && r.cfeFraction <= 1)) problems.push(`${where}: CFE ${r.cfeFraction} not in 0-1`);
    if (!r.fieldSources?.intensityGPerKwh || !isYear(r.fieldYears?.intensityGPerKwh)) problems.push(`${where}: intensity needs its own source and year`);
    if (!r.fieldSources?.pue) problems.push(`${where}: PUE needs its own source`);
  }
  return problems;
}

export function validateAccelerators(accelerators: readonly Accelerator[]): string[] {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const a of accelerators) {
    const where = `accelerators/${a.id}`;
    if (!(a.tdpW > 0)) problems.push(`${where}: TDP must be > 0`);
    if (a.idleW !== null && !(a.idleW > 0 && a.idleW < a.tdpW)) problems.push(`${where}: idle ${a.idleW} W must be between 0 and TDP`);
    if (a.sparsity !== false) problems.push(`${where}: performance figures must be dense (sparsity: false)`);
    if (a.bf16TflopsDense !== null && a.fp32Tflops !== null && a.bf16TflopsDense < a.fp32Tflops) problems.push(`${where}: BF16 tensor rate below FP32`);
    for (const k of acceleratorKeys(a)) {
      const prev = owner.get(k);
      if (prev && prev !== a.id) problems.push(`${where}: alias "${k}" also names ${prev}`);
      owner.set(k, a.id);
    }
  }
  return problems;
}

export function validateInstances(instances: readonly Instance[], acceleratorIds: ReadonlySet<string>, archNames: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const i of instances) {
    const where = `instances/${i.id}`;
    if (i.id !== `${i.provider}:${i.type}`) problems.push(`${where}: id is not provider:type`);
    if (i.accelerator && !acceleratorIds.has(i.accelerator.id)) problems.push(`${where}: unknown accelerator ${i.accelerator.id}`);
    if (i.accelerator && !(Number.isInteger(i.accelerator.count) && i.accelerator.count > 0)) problems.push(`${where}: accelerator count ${i.accelerator.count}`);
    if (i.cpuArchitecture !== null && !archNames.has(i.cpuArchitecture)) problems.push(`${where}: unknown CPU micro-architecture ${i.cpuArchitecture}`);
    if (!(i.platformEmbodiedKg > 0 && i.embodiedKg > 0)) problems.push(`${where}: embodied emissions must be > 0`);
  }
  return problems;
}

export function validateFactors(factors: readonly FactorRecord[], sourceIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const f of factors) {
    const where = `factors/${f.id}`;
    if (typeof f.value !== 'number' || !Number.isFinite(f.value)) problems.push(`${where}: no numeric value`);
    if (typeof f.unit !== 'string' || !f.unit) problems.push(`${where}: no unit`);
    if (!sourceIds.has(f.sourceId)) problems.push(`${where}: sourceId "${f.sourceId}" is not in the sources table`);
    if (!isYear(f.year)) problems.push(`${where}: no year`);
    if (!(QUALITIES as readonly string[]).includes(f.quality)) problems.push(`${where}: quality "${f.quality}"`);
  }
  return problems;
}

export function validateCpuModels(table: CpuModelTable, sourceIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const s of table.sources) if (!sourceIds.has(s)) problems.push(`cpu-models: source "${s}" is not in the sources table`);
  if (!sourceIds.has(table.coresSourceId)) problems.push(`cpu-models: cores source "${table.coresSourceId}" is not in the sources table`);
  if (!isYear(table.year)) problems.push('cpu-models: no year');
  for (const c of table.columns) {
    if ((c === 'tdpW' || c === 'cores') && !UNITS.cpuModels[c]) problems.push(`cpu-models: column ${c} without a unit`);
  }
  table.rows.forEach((row, i) => {
    const [name, tdp, cores, src] = row;
    if (typeof name !== 'string' || !name) problems.push(`cpu-models row ${i}: no name`);
    if (typeof tdp !== 'number' || !(tdp > 0)) problems.push(`cpu-models row ${i} (${name}): TDP ${String(tdp)}`);
    if (cores !== null && !(Number.isInteger(cores) && cores > 0)) problems.push(`cpu-models row ${i} (${name}): cores ${String(cores)}`);
    if (table.sources[src] === undefined) problems.push(`cpu-models row ${i} (${name}): source index ${src}`);
  });
  return problems;
}

export function validatePrices(table: CompactTable<PriceRow>, sourceIds: ReadonlySet<string>, instanceIds: ReadonlySet<string>, regionIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const col = (name: string): number => table.columns.indexOf(name);
  for (const c of table.columns) {
    if (['usdPerHour', 'spotMinUsdPerHour', 'zones'].includes(c) && !(UNITS.prices as Record<string, string>)[c]) problems.push(`prices: column ${c} without a unit`);
  }
  const seen = new Set<string>();
  table.rows.forEach((row, i) => {
    const get = (name: string): unknown => row[col(name)];
    const where = `prices row ${i} (${String(get('instance'))} ${String(get('region'))} ${String(get('pricing'))})`;
    if (!instanceIds.has(get('instance') as string)) problems.push(`${where}: unknown instance`);
    if (!regionIds.has(get('region') as string)) problems.push(`${where}: unknown region`);
    if (!(PRICINGS as readonly unknown[]).includes(get('pricing'))) problems.push(`${where}: pricing not one of ${PRICINGS.join('|')}`);
    const usd = get('usdPerHour');
    if (typeof usd !== 'number' || !(usd > 0) || usd === 700) problems.push(`${where}: usdPerHour ${String(usd)}`);
    if (!isDate(get('observedAt'))) problems.push(`${where}: observedAt is not YYYY-MM-DD`);
    if (!sourceIds.has(get('sourceId') as string)) problems.push(`${where}: sourceId not in the sources table`);
    if (!(QUALITIES as readonly unknown[]).includes(get('quality'))) problems.push(`${where}: quality`);
    const key = `${String(get('instance'))}|${String(get('region'))}|${String(get('pricing'))}`;
    if (seen.has(key)) problems.push(`${where}: duplicate`);
    seen.add(key);
  });
  return problems;
}

/** spot and reserved-1y must be below on-demand for the same instance and region. */
export function validatePriceOrder(table: CompactTable<PriceRow>): string[] {
  const problems: string[] = [];
  const [iInst, iReg, iPricing, iUsd] = ['instance', 'region', 'pricing', 'usdPerHour'].map((c) => table.columns.indexOf(c)) as [number, number, number, number];
  const onDemand = new Map<string, number>();
  for (const r of table.rows) if (r[iPricing] === 'on-demand') onDemand.set(`${String(r[iInst])}|${String(r[iReg])}`, r[iUsd] as number);
  for (const r of table.rows) {
    const od = onDemand.get(`${String(r[iInst])}|${String(r[iReg])}`);
    if (r[iPricing] !== 'on-demand' && od !== undefined && (r[iUsd] as number) >= od) {
      problems.push(`prices ${String(r[iInst])} ${String(r[iReg])}: ${String(r[iPricing])} $${String(r[iUsd])}/h is not below on-demand $${od}/h`);
    }
  }
  return problems;
}

/** Every check over the bundled data. */
export function validateCatalog(): string[] {
  const sourceIds = new Set(SOURCES.map((s) => s.id));
  const archNames = new Set(CPU_ARCHITECTURES.map((a) => a.name));
  return [
    ...validateSources(SOURCES),
    ...validateRecords('regions', REGIONS, sourceIds),
    ...validateRegions(REGIONS),
    ...validateRecords('countries', COUNTRIES, sourceIds),
    ...validateRecords('accelerators', ACCELERATORS, sourceIds),
    ...validateAccelerators(ACCELERATORS),
    ...validateRecords('cpuArchitectures', CPU_ARCHITECTURES, sourceIds),
    ...validateRecords('instances', INSTANCES, sourceIds),
    ...validateInstances(INSTANCES, new Set(ACCELERATORS.map((a) => a.id)), archNames),
    ...validateFactors(FACTORS, sourceIds),
    ...validateCpuModels(CPU_MODELS, sourceIds),
    ...validatePrices(PRICES, sourceIds, new Set(INSTANCES.map((i) => i.id)), new Set(REGIONS.map((r) => r.id))),
    ...validatePriceOrder(PRICES),
  ];
}
