/**
 * Runs after the fact: telling a live run from a lost one, comparing runs side by side, and
 * exporting them (CSV, JSON, CodeCarbon's emissions.csv columns).
 */
import { GreenmlError, finalMetrics, kgFromGrams, type RunRecord } from '../core/index.js';
import type { RunFilter, Store } from '../store/index.js';

export interface LivenessProbe {
  /** This machine's host name. */
  host: string;
  /** Whether a process with this PID exists on this machine. */
  isAlive: (pid: number) => boolean;
  nowMs: number;
}

/** A run with no heartbeat for this many flush periods is lost, whatever the host (at least 2 minutes). */
const STALE_FLUSHES = 12;
const MIN_STALE_MS = 120_000;

export function lostReason(run: RunRecord, probe: LivenessProbe): string | null {
  if (run.status !== 'running') return null;
  if (run.host === probe.host && run.pid !== null && !probe.isAlive(run.pid)) {
    return `the greenml process (pid ${run.pid}) on ${run.host} is gone`;
  }
  const flushS = Number(run.tags['greenml.flush_s'] ?? 5);
  const staleMs = Math.max(MIN_STALE_MS, STALE_FLUSHES * (Number.isFinite(flushS) ? flushS : 5) * 1000);
  if (probe.nowMs - run.heartbeatAt > staleMs) {
    return `no heartbeat from ${run.host} for ${Math.round((probe.nowMs - run.heartbeatAt) / 1000)} s`;
  }
  return null;
}

/**
 * Marks running runs whose wrapper died as `lost`, keeping what was measured up to the last flush
 * (the headline figures are kept current at every flush). Returns how many were marked.
 */
export async function reconcileLostRuns(store: Store, probe: LivenessProbe, filter: RunFilter = {}): Promise<number> {
  let marked = 0;
  let cursor: string | null = null;
  do {
    const page = await store.listRuns({ ...filter, status: 'running', limit: 500, cursor });
    for (const run of page.runs) {
      const reason = lostReason(run, probe);
      if (!reason) continue;
      await store.updateRun(run.id, { status: 'lost', statusReason: reason, endedAt: run.heartbeatAt });
      marked++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return marked;
}

export async function requireRun(store: Store, idOrPrefix: string): Promise<RunRecord> {
  const run = await store.getRun(idOrPrefix);
  if (!run) throw new GreenmlError('NOT_FOUND', `No run "${idOrPrefix}". List runs with greenml runs list.`);
  return run;
}

/** In core, so the dashboard shares the rule; exported here as before. */
export { finalMetrics } from '../core/index.js';

export interface ComparedRun {
  run: RunRecord;
  metrics: Record<string, number>;
}

export interface Comparison {
  runs: ComparedRun[];
  /** Metric keys present in any run, sorted. */
  metricKeys: string[];
  /** Param keys whose values differ between the runs. */
  differingParams: string[];
  /** For each run, its emissions and energy relative to the first run (the baseline). */
  relative: { id: string; totalRatio: number | null; energyRatio: number | null; costRatio: number | null }[];
}

export async function compareRuns(store: Store, ids: readonly string[]): Promise<Comparison> {
  if (ids.length < 2) throw new GreenmlError('INVALID_INPUT', 'Compare needs at least two runs: greenml runs compare <id> <id> [...].');
  const runs: ComparedRun[] = [];
  for (const id of ids) {
    const run = await requireRun(store, id);
    runs.push({ run, metrics: finalMetrics(await store.listMetrics(run.id)) });
  }
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.run.params)))].sort();
  const differingParams = paramKeys.filter((k) => new Set(runs.map((r) => JSON.stringify(r.run.params[k] ?? null))).size > 1);
  const base = (runs[0] as ComparedRun).run;
  const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b : null);
  const relative = runs.map(({ run }) => ({
    id: run.id,
    totalRatio: ratio(run.totalG, base.totalG),
    energyRatio: ratio(run.energyKwh, base.energyKwh),
    costRatio: ratio(run.costUsd, base.costUsd),
  }));
  return { runs, metricKeys, differingParams, relative };
}

/** Every run matching the filter, page by page (exports are not limited to one page). */
export async function allRuns(store: Store, filter: RunFilter = {}): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listRuns({ ...filter, sort: 'startedAt', order: 'asc', limit: 1000, cursor });
    out.push(...page.runs);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export const EXPORT_FORMATS = ['csv', 'json', 'codecarbon'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** greenml's CSV columns, in order (documented in README "runs export"). */
export const RUN_CSV_COLUMNS = [
  'id', 'project', 'name', 'status', 'exit_code', 'started_at', 'ended_at', 'duration_s', 'host', 'location', 'region', 'country',
  'instance', 'cpu_kwh', 'gpu_kwh', 'memory_kwh', 'pue', 'energy_kwh', 'intensity_g_per_kwh', 'intensity_source', 'operational_g',
  'embodied_g', 'total_g', 'cost_usd', 'cost_basis', 'command', 'tags', 'params',
] as const;

const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString());

export function runCsvRow(r: RunRecord): (string | number)[] {
  const f = r.footprint;
  return [
    r.id, r.project, r.name ?? '', r.status, r.exitCode ?? '', iso(r.startedAt), iso(r.endedAt), r.durationS, r.host, r.location?.label ?? '',
    r.location?.region ?? '', r.location?.country ?? '', r.instance ?? '', r.cpuKwh, r.gpuKwh, r.memoryKwh, f?.pue.value ?? '', r.energyKwh,
    r.intensityGPerKwh ?? '', f?.intensity.source ?? '', r.operationalG, r.embodiedG, r.totalG, r.costUsd ?? '', f?.cost?.basis ?? '',
    JSON.stringify(r.command), JSON.stringify(r.tags), JSON.stringify(r.params),
  ];
}

/** CodeCarbon's emissions.csv columns (codecarbon/output_methods/emissions_data.py), in its units. */
export const CODECARBON_COLUMNS = [
  'timestamp', 'project_name', 'run_id', 'experiment_id', 'duration', 'emissions', 'emissions_rate', 'cpu_power', 'gpu_power', 'ram_power',
  'cpu_energy', 'gpu_energy', 'ram_energy', 'energy_consumed', 'water_consumed', 'country_name', 'country_iso_code', 'region',
  'cloud_provider', 'cloud_region', 'os', 'python_version', 'codecarbon_version', 'cpu_count', 'cpu_model', 'gpu_count', 'gpu_model',
  'longitude', 'latitude', 'ram_total_size', 'tracking_mode', 'cpu_utilization_percent', 'gpu_utilization_percent',
  'ram_utilization_percent', 'ram_used_gb', 'on_cloud', 'pue', 'wue',
] as const;

export function codecarbonRow(r: RunRecord): (string | number)[] {
  const d = r.durationS;
  // CodeCarbon reports energy with PUE applied per component and emissions in kg; power is the mean over the run.
  const pue = r.footprint?.pue.value ?? 1;
  const meanW = (kwh: number): number | string => (d > 0 ? (kwh * 3.6e6) / d : '');
  const emissionsKg = kgFromGrams(r.operationalG);
  const [provider, cloudRegion] = r.location?.region?.split(':') ?? ['', ''];
  return [
    iso(r.endedAt ?? r.startedAt), r.project, r.id, r.jobId ?? '', d, emissionsKg, d > 0 ? emissionsKg / d : '', meanW(r.cpuKwh), meanW(r.gpuKwh),
    meanW(r.memoryKwh), r.cpuKwh * pue, r.gpuKwh * pue, r.memoryKwh * pue, r.energyKwh, 0, '', r.location?.country ?? '', '', provider ?? '',
    cloudRegion ?? '', '', '', '', '', '', '', '', '', '', '', 'process', '', '', '', '', provider ? 'Y' : 'N', pue, 0,
  ];
}
