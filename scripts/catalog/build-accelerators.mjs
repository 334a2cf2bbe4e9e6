/**
 * Accelerators: Epoch AI rows (FLOP/s, bytes, byte/s converted to TFLOPS, GB, GB/s), corrected from
 * vendor datasheets (accelerators-curated.mjs), with CCF/Teads measured idle watts where they
 * exist and 0.11 x TDP otherwise, and CCF's flat 150 kg embodied per board.
 */
import { ACCELERATORS, EMBODIED_KG_PER_ACCELERATOR, IDLE_FRACTION_OF_TDP } from './accelerators-curated.mjs';
import { num, round } from './read.mjs';

const TERA = 1e12;
const GIGA = 1e9;

/** Epoch columns by name (the schema changes between copies, so never by position). */
const EPOCH_FIELDS = {
  tdpW: ['TDP (W)', 1],
  fp32Tflops: ['FP32 (single precision) performance (FLOP/s)', TERA],
  tf32TflopsDense: ['TF32 (TensorFloat-32) performance (FLOP/s)', TERA],
  bf16TflopsDense: ['Tensor-FP16/BF16 performance (FLOP/s)', TERA],
  fp16TflopsDense: ['Tensor-FP16/BF16 performance (FLOP/s)', TERA],
  fp8TflopsDense: ['FP8 performance (FLOP/s)', TERA],
  int8TopsDense: ['INT8 performance (OP/s)', TERA],
  memoryGb: ['Memory (bytes)', GIGA],
  memoryBandwidthGbPerS: ['Memory bandwidth (byte/s)', GIGA],
};

export function buildAccelerators(read, log) {
  const epoch = new Map(read.csv('epoch-ai__ml_hardware/ml_hardware.csv').map((r) => [r['Hardware name'], r]));
  const ccfIdle = new Map(
    read.csv('cloud-carbon-footprint__cloud-carbon-footprint/ccf_compute_coefficients.csv')
      .filter((r) => r.provider === 'aws' || r.provider === 'azure')
      .filter((r) => r.constant === 'MIN_WATTS_BY_COMPUTE_PROCESSOR')
      .map((r) => [r.key, num(r.value)]),
  );

  return ACCELERATORS.map((spec) => {
    const row = spec.epoch ? epoch.get(spec.epoch) : undefined;
    if (spec.epoch && !row) throw new Error(`${spec.id}: Epoch row "${spec.epoch}" not found`);
    const rec = {
      id: spec.id, name: spec.name, vendor: spec.vendor, kind: spec.kind, formFactor: spec.formFactor,
      architecture: spec.architecture, memoryType: spec.memoryType,
      releaseDate: spec.releaseDate ?? (row ? row['Release date'] : null),
      aliases: [...new Set(spec.aliases)],
      tdpW: null, idleW: null, fp32Tflops: null, tf32TflopsDense: null, bf16TflopsDense: null, fp16TflopsDense: null,
      fp8TflopsDense: null, int8TopsDense: null, memoryGb: null, memoryBandwidthGbPerS: null, embodiedKg: EMBODIED_KG_PER_ACCELERATOR,
      sparsity: false,
      sourceId: spec.sourceId ?? 'epoch-ml-hardware', year: 2026, quality: 'official',
      fieldSources: {}, fieldQuality: {}, notes: [...(spec.notes ?? [])], fixes: [],
    };
    if (row) {
      for (const [field, [column, scale]] of Object.entries(EPOCH_FIELDS)) {
        const v = num(row[column]);
        rec[field] = v === null ? null : round(v / scale, 3);
      }
      const datasheet = (row['Link to datasheet'] ?? '').split(/\s|;/).find((s) => s.startsWith('http'));
      if (datasheet) rec.epochDatasheetUrl = datasheet;
    }
    if (spec.tdpQuality) rec.fieldQuality.tdpW = spec.tdpQuality;
    for (const fix of spec.fixes) {
      const before = rec[fix.field];
      rec[fix.field] = fix.value;
      rec.fieldSources[fix.field] = fix.sourceId;
      rec.fieldQuality[fix.field] = fix.quality;
      if (row && before !== fix.value) {
        rec.fixes.push({ field: fix.field, from: before, to: fix.value, sourceId: fix.sourceId, reason: fix.reason });
        log.push(`${spec.id}.${fix.field}: ${before} -> ${fix.value} (${fix.reason})`);
      }
    }
    if (spec.idle) {
      const w = ccfIdle.get(spec.idle.ccfKey);
      if (w === undefined) throw new Error(`${spec.id}: no CCF idle value for ${spec.idle.ccfKey}`);
      rec.idleW = w;
      rec.fieldSources.idleW = 'ccf-constants';
      rec.fieldQuality.idleW = spec.idle.quality;
      if (spec.idle.quality === 'derived') rec.notes.push(`Idle ${w} W was measured (Teads, via CCF) on a sibling SKU (${spec.idle.ccfKey}).`);
    } else if (rec.tdpW !== null) {
      rec.idleW = round(IDLE_FRACTION_OF_TDP * rec.tdpW, 1);
      rec.fieldSources.idleW = 'ccf-constants';
      rec.fieldQuality.idleW = 'estimated';
      rec.notes.push(`Idle power estimated as ${IDLE_FRACTION_OF_TDP} x TDP (idle/max ratio of the GPUs CCF/Teads measured).`);
    }
    rec.fieldSources.embodiedKg = 'ccf-coefficients-embodied';
    rec.fieldQuality.embodiedKg = 'estimated';
    for (const field of Object.keys(EPOCH_FIELDS)) {
      if (rec[field] !== null && !rec.fieldSources[field] && rec.sourceId !== 'epoch-ml-hardware') rec.fieldSources[field] = rec.sourceId;
    }
    if (rec.tdpW === null) throw new Error(`${spec.id}: no TDP`);
    if (rec.fixes.length === 0) delete rec.fixes;
    if (rec.notes.length === 0) delete rec.notes;
    return rec;
  });
}
