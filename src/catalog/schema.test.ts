/**
 * An independent structural check of every data file with zod (allowed in tests only: catalog code
 * imports nothing but core). validate.ts checks provenance rules; this checks field types.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACCELERATORS, COUNTRIES, CPU_ARCHITECTURES, CPU_MODELS, FACTORS, INSTANCES, PRICES, REGIONS, SOURCES } from './data.js';
import { UNITS } from './schema.js';

/** The parsed JSON of each data file, as data.ts imports it. */
const FILES: Record<string, unknown> = {
  'sources.json': SOURCES,
  'regions.json': REGIONS,
  'countries.json': COUNTRIES,
  'accelerators.json': ACCELERATORS,
  'cpu-architectures.json': CPU_ARCHITECTURES,
  'factors.json': FACTORS,
  'instances.json': INSTANCES,
  'cpu-models.json': CPU_MODELS,
  'prices.json': PRICES,
};
const load = (name: string): unknown => FILES[name];

const quality = z.enum(['official', 'measured', 'derived', 'estimated']);
const year = z.number().int().min(1990).max(2100);
const provenance = {
  sourceId: z.string().min(1),
  year: year.optional(),
  retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  quality: quality.optional(),
  fieldSources: z.record(z.string(), z.string()).optional(),
  fieldYears: z.record(z.string(), year).optional(),
  fieldQuality: z.record(z.string(), quality).optional(),
  notes: z.array(z.string()).optional(),
};
const provider = z.enum(['aws', 'gcp', 'azure']);
const nnum = z.number().nullable();

const SCHEMAS: Record<string, z.ZodType> = {
  'sources.json': z.array(z.object({
    id: z.string(), source: z.string(), licence: z.string(), attribution: z.string(), year: year.optional(),
    retrieved: z.string().optional(), url: z.string().url().optional(), repo: z.string().optional(), path: z.string().optional(), commit: z.string().optional(),
  }).strict()),
  'regions.json': z.array(z.object({
    id: z.string(), provider, region: z.string(), name: z.string(), city: z.string().nullable(), country: z.string().length(2),
    subdivision: z.string().regex(/^(US|CA)-[A-Z]{2}$/).nullable(), intensityGPerKwh: z.number().min(0), intensityBasis: z.literal('location-based'),
    intensityScope: z.enum(['region', 'subdivision', 'country']), cfeFraction: nnum, ccfIntensityGPerKwh: nnum, pue: z.number().min(1),
    pueBasis: z.enum(['region-ttm', 'provider-fleet']), electricityMapsZone: z.string().nullable(), ...provenance,
  }).strict()),
  'countries.json': z.array(z.object({
    id: z.string(), kind: z.enum(['country', 'subdivision']), iso3: z.string().length(3).optional(), parent: z.string().optional(), name: z.string(),
    intensityGPerKwh: z.number().min(0), ...provenance, year,
  }).strict()),
  'accelerators.json': z.array(z.object({
    id: z.string().regex(/^[a-z0-9-]+$/), name: z.string(), vendor: z.enum(['nvidia', 'google', 'aws']), kind: z.enum(['gpu', 'tpu', 'asic']),
    formFactor: z.enum(['pcie', 'sxm', 'chip']), architecture: z.string(), memoryType: z.string(), releaseDate: z.string().nullable(),
    aliases: z.array(z.string()), tdpW: z.number().positive(), idleW: nnum, fp32Tflops: nnum, tf32TflopsDense: nnum, bf16TflopsDense: nnum,
    fp16TflopsDense: nnum, fp8TflopsDense: nnum, int8TopsDense: nnum, memoryGb: nnum, memoryBandwidthGbPerS: nnum, embodiedKg: z.number(),
    sparsity: z.literal(false), epochDatasheetUrl: z.string().url().optional(),
    fixes: z.array(z.object({ field: z.string(), from: nnum, to: nnum, sourceId: z.string(), reason: z.string() }).strict()).optional(),
    ...provenance,
  }).strict()),
  'cpu-architectures.json': z.array(z.object({
    id: z.string(), provider, name: z.string(), vendor: z.string(), minWPerVcpu: z.number().positive(), maxWPerVcpu: z.number().positive(),
    gbPerChip: nnum, suspicious: z.boolean(), ...provenance,
  }).strict()),
  'factors.json': z.array(z.object({
    id: z.string(), name: z.string(), value: z.number(), unit: z.string().min(1), sourceId: z.string(), year, quality, note: z.string().optional(),
  }).strict()),
  'instances.json': z.array(z.object({
    id: z.string(), provider, type: z.string(), family: z.string(), vcpus: nnum, memoryGb: nnum,
    accelerator: z.object({ id: z.string(), count: z.number().int().positive() }).strict().nullable(),
    cpuName: z.string().nullable(), cpuArchitecture: z.string().nullable(), platformEmbodiedKg: z.number().positive(), platformVcpus: nnum,
    platformAccelerators: nnum, embodiedKg: z.number().positive(), pricingModel: z.enum(['bundled', 'host-plus-gpu', 'tpu-slice']), ...provenance,
  }).strict()),
  'cpu-models.json': z.object({
    sources: z.array(z.string()), coresSourceId: z.string(), year, quality, columns: z.array(z.string()), units: z.record(z.string(), z.string()),
    rows: z.array(z.tuple([z.string(), z.number().positive(), z.number().int().positive().nullable(), z.number().int().min(0)])),
  }).strict(),
  'prices.json': z.object({
    columns: z.array(z.string()), units: z.record(z.string(), z.string()),
    rows: z.array(z.tuple([z.string(), z.string(), z.enum(['on-demand', 'spot', 'reserved-1y']), z.number().positive(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.string(), quality, nnum, nnum, z.string().nullable()])),
  }).strict(),
};

describe('data files (zod)', () => {
  it('has a schema for every data file', () => {
    expect(Object.keys(FILES).sort()).toEqual(Object.keys(SCHEMAS).sort());
  });

  for (const [file, schema] of Object.entries(SCHEMAS)) {
    it(`${file} matches its schema`, () => {
      const result = schema.safeParse(load(file));
      expect(result.success ? [] : result.error.issues.slice(0, 5)).toEqual([]);
    });
  }

  it('declares in each compact table the same units as schema.ts', () => {
    const cpu = load('cpu-models.json') as { units: Record<string, string> };
    const prices = load('prices.json') as { units: Record<string, string> };
    expect(cpu.units).toEqual(UNITS.cpuModels);
    for (const [k, v] of Object.entries(prices.units)) expect(v, k).toBe((UNITS.prices as Record<string, string>)[k]);
  });
});
