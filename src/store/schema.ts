/**
 * Table shapes as the query layer sees them (Kysely's `Database` type). Internal to the store: the
 * port speaks records (src/core/records.ts), never rows. Times are epoch-ms integers, JSON is text
 * on every engine, numbers that may be fractional are double precision.
 */
export interface ProjectsTable {
  name: string;
  created_at: number;
}

export interface RunsTable {
  id: string;
  project: string;
  name: string | null;
  /** JSON string[] */
  command: string;
  cwd: string | null;
  host: string;
  pid: number | null;
  status: string;
  exit_code: number | null;
  signal: string | null;
  status_reason: string | null;
  started_at: number;
  ended_at: number | null;
  heartbeat_at: number;
  /** JSON RunLocation | null */
  location: string | null;
  instance: string | null;
  duration_s: number;
  cpu_kwh: number;
  gpu_kwh: number;
  memory_kwh: number;
  energy_kwh: number;
  operational_g: number;
  embodied_g: number;
  total_g: number;
  cost_usd: number | null;
  intensity_g_per_kwh: number | null;
  /** JSON Footprint | null */
  footprint: string | null;
  /** JSON Record<string, string> */
  tags: string;
  /** JSON Record<string, string | number | boolean> */
  params: string;
  job_id: string | null;
  /** Lower-cased name, command and tags, for `search`. */
  search_text: string;
}

export interface SamplesTable {
  run_id: string;
  t: number;
  dt_s: number;
  cpu_w: number | null;
  gpu_w: number | null;
  memory_w: number | null;
  cpu_j: number;
  gpu_j: number;
  memory_j: number;
  cpu_cores: number | null;
  memory_bytes: number | null;
  gpu_util_pct: number | null;
  /** JSON object | null */
  detail: string | null;
}

export interface MetricsTable {
  run_id: string;
  key: string;
  /** The step as logged; null when the workload gave none. */
  step: number | null;
  /** `step` with null mapped to a sentinel, so (run, key, step, t) can be a primary key on every engine. */
  step_key: number;
  t: number;
  value: number;
}

export interface JobsTable {
  id: string;
  project: string;
  name: string | null;
  command: string;
  cwd: string | null;
  env: string;
  spec: string;
  plan: string | null;
  labels: string;
  state: string;
  due_at_ms: number;
  run_id: string | null;
  agent_id: string | null;
  lease_until_ms: number | null;
  attempts: number;
  error: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  ended_at: number | null;
}

/** One row per (job, label): lets a claim match labels in SQL on every engine. */
export interface JobLabelsTable {
  job_id: string;
  key: string;
  value: string;
}

export interface IntensityTable {
  zone: string;
  source: string;
  kind: string;
  t: number;
  signal: string;
  duration_s: number;
  intensity_g_per_kwh: number;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  project: string | null;
  scope: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface BudgetsTable {
  id: string;
  name: string;
  project: string | null;
  /** JSON BudgetSpec (core/budget), normalised by validateBudgetSpec */
  spec: string;
  created_at: number;
  updated_at: number;
}

export interface BudgetStatesTable {
  budget_id: string;
  period_key: string;
  status: string;
  /** JSON string[]: notification keys in ALARM */
  alarms: string;
  actual: number;
  forecast: number | null;
  start_ms: number | null;
  end_ms: number | null;
  evaluated_at: number;
  version: number;
}

export interface BudgetAlertsTable {
  id: string;
  budget_id: string;
  at_ms: number;
  period_key: string;
  event: string;
  delivery_state: string;
  claim_until_ms: number | null;
  /** JSON: the alert record without its delivery fields */
  document: string;
  /** JSON AlertDelivery[] */
  deliveries: string;
}

export interface DB {
  projects: ProjectsTable;
  runs: RunsTable;
  samples: SamplesTable;
  metrics: MetricsTable;
  jobs: JobsTable;
  job_labels: JobLabelsTable;
  intensity: IntensityTable;
  api_tokens: ApiTokensTable;
  budgets: BudgetsTable;
  budget_states: BudgetStatesTable;
  budget_alerts: BudgetAlertsTable;
}
