/**
 * Record types of the bundled catalog. Every record names its `sourceId` (a row of the sources
 * table) and its data `year`; fields that come from another source say so in `fieldSources` (and
 * `fieldYears`, `fieldQuality`). Units of numeric fields are declared per table in schema.ts and
 * enforced by the schema test.
 */
import type { Factor, Source } from '../core/index.js';

export const QUALITIES = ['official', 'measured', 'derived', 'estimated'] as const;
/** official: published by the vendor/provider; measured: observed; derived: computed from sources; estimated: a stated assumption. */
export type Quality = (typeof QUALITIES)[number];

export const PROVIDERS = ['aws', 'gcp', 'azure'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const PRICINGS = ['on-demand', 'spot', 'reserved-1y'] as const;
export type Pricing = (typeof PRICINGS)[number];

/** A row of the sources table; also a core `Source` (source, year, url, retrieved). */
export interface CatalogSource extends Source {
  id: string;
  licence: string;
  attribution: string;
  repo?: string;
  path?: string;
  commit?: string;
}

/** A factor from the catalog: a core `Factor` plus where in the catalog it comes from. */
export interface CatalogFactor extends Factor {
  sourceId: string;
  quality: Quality;
  /** What the number means, e.g. "location-based annual average". */
  basis?: string;
  note?: string;
}

/** Provenance shared by all records. */
export interface Provenance {
  sourceId: string;
  year?: number;
  retrieved?: string;
  quality?: Quality;
  fieldSources?: Record<string, string>;
  fieldYears?: Record<string, number>;
  fieldQuality?: Record<string, Quality>;
  notes?: string[];
}

export interface Region extends Provenance {
  /** `provider:region`, e.g. `gcp:europe-west4`. */
  id: string;
  provider: Provider;
  region: string;
  name: string;
  city: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 3166-2 for US and Canadian regions, else null. */
  subdivision: string | null;
  intensityGPerKwh: number;
  intensityBasis: 'location-based';
  /** Geographic resolution of the intensity: the provider's own region figure, a state/province, or the country. */
  intensityScope: 'region' | 'subdivision' | 'country';
  /** Google's carbon-free energy share (0-1), GCP only. */
  cfeFraction: number | null;
  /** Cloud Carbon Footprint's factor (~2020 data), kept for comparison. */
  ccfIntensityGPerKwh: number | null;
  pue: number;
  pueBasis: 'region-ttm' | 'provider-fleet';
  electricityMapsZone: string | null;
}

export interface Country extends Provenance {
  /** ISO 3166-1 alpha-2 (`FR`) or ISO 3166-2 for US states and Canadian provinces (`US-CA`). */
  id: string;
  kind: 'country' | 'subdivision';
  iso3?: string;
  parent?: string;
  name: string;
  intensityGPerKwh: number;
  year: number;
}

export type AcceleratorKind = 'gpu' | 'tpu' | 'asic';

export interface AcceleratorFix {
  field: string;
  from: number | null;
  to: number | null;
  sourceId: string;
  reason: string;
}

export interface Accelerator extends Provenance {
  id: string;
  name: string;
  vendor: 'nvidia' | 'google' | 'aws';
  kind: AcceleratorKind;
  formFactor: 'pcie' | 'sxm' | 'chip';
  architecture: string;
  memoryType: string;
  releaseDate: string | null;
  aliases: string[];
  tdpW: number;
  idleW: number | null;
  fp32Tflops: number | null;
  tf32TflopsDense: number | null;
  bf16TflopsDense: number | null;
  fp16TflopsDense: number | null;
  fp8TflopsDense: number | null;
  int8TopsDense: number | null;
  memoryGb: number | null;
  memoryBandwidthGbPerS: number | null;
  embodiedKg: number;
  /** Always false: every performance figure is dense. */
  sparsity: false;
  fixes?: AcceleratorFix[];
  epochDatasheetUrl?: string;
}

export interface CpuArchitecture extends Provenance {
  /** `provider:slug`, e.g. `aws:cascade-lake`; `provider:unknown` is CCF's fallback. */
  id: string;
  provider: Provider;
  name: string;
  vendor: string;
  minWPerVcpu: number;
  maxWPerVcpu: number;
  gbPerChip: number | null;
  /** True where the upstream values look wrong (EPYC 5th Gen). */
  suspicious: boolean;
}

export interface CpuMatch {
  /** Catalog model name, or "generic CPU". */
  name: string;
  /** TDP of the package (W); for a generic match, 4 W x threads (or 85 W without a thread count). */
  tdpW: number;
  cores?: number;
  threads?: number;
  confidence: 'exact' | 'fuzzy' | 'generic';
  /** 0-1 similarity for fuzzy matches (1 for exact). */
  score?: number;
  /** Citation of the value's source. */
  source: string;
  sourceId: string;
  note: string;
}

export interface InstanceAccelerator {
  id: string;
  count: number;
}

export interface Instance extends Provenance {
  /** `provider:type`, e.g. `aws:p4d.24xlarge`. */
  id: string;
  provider: Provider;
  type: string;
  family: string;
  /** Null for TPU slices (host VMs are part of the slice). */
  vcpus: number | null;
  /** Memory as the provider lists it (AWS, GCP and Azure list binary GiB as "GB"). */
  memoryGb: number | null;
  accelerator: InstanceAccelerator | null;
  cpuName: string | null;
  /** Micro-architecture name, e.g. "Cascade Lake" (see findCpuArchitecture). */
  cpuArchitecture: string | null;
  /** Embodied emissions of the whole server this instance runs on. */
  platformEmbodiedKg: number;
  platformVcpus: number | null;
  platformAccelerators: number | null;
  /** This instance's share of the platform: by accelerators where it has any, else by vCPUs. */
  embodiedKg: number;
  /** bundled: one price; host-plus-gpu: GCP host VM + N x GPU joined into one offer; tpu-slice: whole slice. */
  pricingModel: 'bundled' | 'host-plus-gpu' | 'tpu-slice';
}

export interface Price {
  provider: Provider;
  /** Instance id, `provider:type`. */
  instance: string;
  /** Region id, `provider:region`. */
  region: string;
  pricing: Pricing;
  usdPerHour: number;
  /** ISO date the price was observed (a lower bound where the source records none; see docs/catalog.md). */
  observedAt: string;
  sourceId: string;
  quality: Quality;
  /** Spot only: cheapest zone of the region (usdPerHour is the median over zones). */
  spotMinUsdPerHour: number | null;
  zones: number | null;
  note: string | null;
}

export interface FactorRecord {
  id: string;
  name: string;
  value: number;
  unit: string;
  sourceId: string;
  year: number;
  quality: Quality;
  note?: string;
}

export interface EmbodiedDefaults {
  serverKg: CatalogFactor;
  perVcpuKg: CatalogFactor;
  perGpuKg: CatalogFactor;
  perSsdKg: CatalogFactor;
  perHddKg: CatalogFactor;
  lifespanH: CatalogFactor;
}

/** One field of a record with its unit and provenance, for `greenml catalog show`. */
export interface CatalogField {
  name: string;
  value: unknown;
  unit?: string;
  sourceId?: string;
  source?: string;
  year?: number;
  quality?: Quality;
}

export type CatalogKind = 'region' | 'accelerator' | 'instance' | 'country' | 'cpu-architecture';

export interface CatalogEntry {
  kind: CatalogKind;
  id: string;
  record: Region | Accelerator | Instance | Country | CpuArchitecture;
  fields: CatalogField[];
}
