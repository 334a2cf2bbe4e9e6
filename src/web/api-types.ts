/**
 * The shapes the dashboard reads from the HTTP API (docs/api.md). Records come from core as they
 * are on the wire; the few shapes defined by the store or the catalog (which the browser bundle may
 * not import) are restated here with only the fields the dashboard reads.
 */
import type { Budget, JobRecord, MetricPoint, PlanResult, ProjectSummary, RunRecord, RunTotals, Sample, SchedulePlan } from '../core/index.js';

export interface Health {
  ok: boolean;
  version: string;
  store: string;
  auth: { required: boolean };
  features: { plan: boolean; schedule: boolean; dashboard: boolean };
}

/** GET /api/v1/totals/series: totals per UTC day, week or month, oldest first. */
export interface TotalsSeries {
  bucket: 'day' | 'week' | 'month';
  since: number;
  until: number;
  buckets: { key: string; startMs: number; endMs: number; totals: RunTotals }[];
}

export interface RunPage {
  runs: RunRecord[];
  nextCursor: string | null;
  total?: number;
}

export interface RunDetail {
  run: RunRecord;
  samples?: Sample[];
  metrics?: MetricPoint[];
}

export interface ProjectList {
  projects: ProjectSummary[];
}

export interface JobPage {
  jobs: JobRecord[];
  nextCursor: string | null;
}

export interface IntensityPointWire {
  t: number;
  durationS: number;
  intensityGPerKwh: number;
}

export interface IntensityResponse {
  series: { zone: string; signal: 'average' | 'marginal'; kind: string; source: string; points: IntensityPointWire[] };
  source: { id: string; name: string; signal: 'average' | 'marginal'; forecasts: boolean; refreshS: number };
}

/** Region of src/catalog/types.ts (the fields the catalog view shows). */
export interface CatalogRegion {
  id: string;
  provider: string;
  region: string;
  name: string;
  city: string | null;
  country: string;
  intensityGPerKwh: number;
  intensityScope: 'region' | 'subdivision' | 'country';
  cfeFraction: number | null;
  pue: number;
  pueBasis: string;
  electricityMapsZone: string | null;
  sourceId: string;
  year?: number;
  fieldSources?: Record<string, string>;
  fieldYears?: Record<string, number>;
}

export interface CatalogAccelerator {
  id: string;
  name: string;
  kind: string;
  memoryGb: number | null;
}

/** CatalogEntry of src/catalog (what `greenml catalog show` prints). */
export interface CatalogEntry {
  kind: string;
  id: string;
  fields: { name: string; value: unknown; unit?: string; source?: string; year?: number }[];
}

export type { PlanResult, RunTotals, SchedulePlan };

/** A row of GET /api/v1/budgets/status: what `greenml budget list` shows (BudgetStatusRow of src/app/budget-admin.ts). */
export interface BudgetStatusRow {
  budget: Budget;
  periodKey: string | null;
  actual: number | null;
  forecast: number | null;
  state: 'ok' | 'alarm' | null;
  evaluatedAt: number | null;
  lastAlert: BudgetAlertRow | null;
}

/** BudgetAlertRecord of src/store/store.ts (the fields the dashboard shows). */
export interface BudgetAlertRow {
  id: string;
  budgetId: string;
  budgetName: string;
  atMs: number;
  periodKey: string;
  event: 'alarm' | 'ok';
  notification: { type: 'actual' | 'forecasted'; threshold: number; thresholdType: 'percentage' | 'absolute' };
  amount: number | null;
  thresholdAmount: number;
  limit: { amount: number; unit: 'kWh' | 'kgCO2e' | 'USD' };
  deliveryState: string;
}
