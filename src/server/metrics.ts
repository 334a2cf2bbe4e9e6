/**
 * Prometheus exposition (text format 0.0.4) computed from the store at each scrape. Names follow
 * the Prometheus naming guide and Kepler's style (shared/research/tracking.md §6): base units
 * (joules, grams), counters end in `_total`, `_info`-style build info. Durable series carry
 * bounded labels only (project, component, kind, status, state); the run id appears only on the
 * predictions of runs still running, which go stale when the run ends (tracking.md §6.3).
 */
import { JOULES_PER_KWH, RUN_STATUSES, type JobState } from '../core/index.js';
import type { Store } from '../store/index.js';

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: MetricSample[];
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function renderExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels);
      const text = labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
      lines.push(`${f.name}${text} ${formatValue(s.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The job queue: jobs waiting, running or paused (finished jobs are history, not depth). */
export const QUEUE_STATES: readonly JobState[] = ['pending', 'running', 'paused'];

async function countJobs(store: Store, state: JobState, project: string | undefined): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const page = await store.listJobs({ state, project, limit: 1000, cursor });
    n += page.jobs.length;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return n;
}

/** Running runs whose predictions are exported, at most (newest first). */
export const MAX_PREDICTED_RUNS = 100;

const PREDICTIONS = [
  { key: 'greenml/predicted_energy_kwh', name: 'greenml_run_predicted_energy_joules', help: 'Predicted total energy of a running run, joules (central estimate).', scale: JOULES_PER_KWH },
  { key: 'greenml/predicted_co2e_g', name: 'greenml_run_predicted_emissions_grams', help: 'Predicted total operational emissions of a running run, grams CO2e (central estimate).', scale: 1 },
  { key: 'greenml/predicted_cost_usd', name: 'greenml_run_predicted_cost_usd', help: 'Predicted total cost of a running run, US dollars (central estimate).', scale: 1 },
  { key: 'greenml/progress', name: 'greenml_run_progress_ratio', help: 'Share of a running run done, 0-1, as the workload reports it.', scale: 1 },
] as const;

async function collectPredictions(store: Store, project: string | undefined): Promise<MetricFamily[]> {
  const { runs } = await store.listRuns({ status: 'running', ...(project !== undefined ? { project } : {}), limit: MAX_PREDICTED_RUNS });
  const families = PREDICTIONS.map((p): MetricFamily => ({ name: p.name, help: p.help, type: 'gauge', samples: [] }));
  for (const run of runs) {
    for (const [i, p] of PREDICTIONS.entries()) {
      const points = await store.listMetrics(run.id, { key: p.key });
      const last = points[points.length - 1];
      if (last) families[i]?.samples.push({ labels: { project: run.project, run_id: run.id }, value: last.value * p.scale });
    }
  }
  return families;
}

/** Every family, for all projects or (a project token) one. */
export async function collectMetrics(store: Store, opts: { version: string; project: string | null }): Promise<MetricFamily[]> {
  const projects = (await store.listProjects()).filter((p) => opts.project === null || p.name === opts.project);
  const energy: MetricSample[] = [];
  const emissions: MetricSample[] = [];
  const cost: MetricSample[] = [];
  for (const p of projects) {
    const t = await store.runTotals({ project: p.name });
    const it = t.cpuKwh + t.gpuKwh + t.memoryKwh;
    const j = (kwh: number): number => kwh * JOULES_PER_KWH;
    energy.push(
      { labels: { project: p.name, component: 'cpu' }, value: j(t.cpuKwh) },
      { labels: { project: p.name, component: 'gpu' }, value: j(t.gpuKwh) },
      { labels: { project: p.name, component: 'memory' }, value: j(t.memoryKwh) },
      // Facility minus IT energy (the PUE share), so that sum by (project) is the facility energy.
      { labels: { project: p.name, component: 'overhead' }, value: j(Math.max(0, t.energyKwh - it)) },
    );
    emissions.push(
      { labels: { project: p.name, kind: 'operational' }, value: t.operationalG },
      { labels: { project: p.name, kind: 'embodied' }, value: t.embodiedG },
    );
    cost.push({ labels: { project: p.name }, value: t.costUsd ?? 0 });
  }
  const scope = opts.project ?? undefined;
  const totals = await store.runTotals(scope === undefined ? {} : { project: scope });
  const jobs: MetricSample[] = [];
  for (const state of QUEUE_STATES) jobs.push({ labels: { state }, value: await countJobs(store, state, scope) });
  const predictions = await collectPredictions(store, scope);
  return [
    ...predictions,
    { name: 'greenml_energy_joules_total', type: 'counter', help: 'Energy of the recorded runs, joules; overhead is facility minus IT energy (PUE).', samples: energy },
    { name: 'greenml_emissions_grams_total', type: 'counter', help: 'Emissions of the recorded runs, grams CO2e.', samples: emissions },
    { name: 'greenml_cost_usd_total', type: 'counter', help: 'Known cost of the recorded runs, US dollars.', samples: cost },
    { name: 'greenml_runs', type: 'gauge', help: 'Runs by status.', samples: RUN_STATUSES.map((status) => ({ labels: { status }, value: totals.byStatus[status] })) },
    { name: 'greenml_jobs', type: 'gauge', help: 'Scheduled jobs waiting, running or paused.', samples: jobs },
    { name: 'greenml_projects', type: 'gauge', help: 'Projects.', samples: [{ labels: {}, value: projects.length }] },
    { name: 'greenml_build_info', type: 'gauge', help: 'greenml build information.', samples: [{ labels: { version: opts.version }, value: 1 }] },
  ];
}
