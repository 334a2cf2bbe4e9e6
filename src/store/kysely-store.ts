/**
 * The one query layer behind both SQL engines: the Store port implemented on Kysely. The engine
 * adapters (sqlite.ts, postgres.ts) only build the Kysely instance and say what the engine can do.
 */
import type { Kysely } from 'kysely';
import type { ApiTokenRecord, IntensitySeries, JobRecord, MetricPoint, ProjectSummary, RunRecord, Sample } from '../core/index.js';
import * as budgets from './budgets.js';
import { wrapFailure } from './errors.js';
import * as intensity from './intensity.js';
import * as jobs from './jobs.js';
import type { Engine } from './query-kit.js';
import * as runs from './runs.js';
import * as samples from './samples.js';
import type { DB } from './schema.js';
import type {
  AlertClaim,
  AlertOutcome,
  AlertQuery,
  BudgetAlertRecord,
  BudgetRecord,
  BudgetStateInput,
  BudgetStateRecord,
  ClaimRequest,
  IntensityQuery,
  JobPage,
  JobPatch,
  JobQuery,
  MetricQuery,
  MigrationReport,
  PutBudgetStateOptions,
  RunBundle,
  RunFilter,
  RunPage,
  RunPatch,
  RunQuery,
  RunTotals,
  SampleQuery,
  Store,
  UpdateJobOptions,
} from './store.js';
import * as tokens from './tokens.js';

export class KyselyStore implements Store {
  readonly kind: Engine['kind'];
  readonly location: string;
  readonly #db: Kysely<DB>;
  readonly #engine: Engine;
  readonly #migrate: () => Promise<MigrationReport>;
  #closed = false;

  constructor(db: Kysely<DB>, engine: Engine, location: string, migrate: () => Promise<MigrationReport>) {
    this.#db = db;
    this.#engine = engine;
    this.kind = engine.kind;
    this.location = location;
    this.#migrate = migrate;
  }

  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw wrapFailure(this.location, e);
    }
  }

  migrate(): Promise<MigrationReport> {
    return this.#guard(() => this.#migrate());
  }
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.destroy();
  }

  ensureProject(name: string): Promise<void> {
    return this.#guard(() => runs.ensureProjectNamed(this.#db, name));
  }
  listProjects(): Promise<ProjectSummary[]> {
    return this.#guard(() => runs.listProjects(this.#db));
  }

  createRun(run: RunRecord): Promise<void> {
    return this.#guard(() => runs.createRun(this.#db, run));
  }
  updateRun(id: string, patch: RunPatch): Promise<RunRecord> {
    return this.#guard(() => runs.updateRun(this.#db, this.#engine, id, patch));
  }
  getRun(idOrPrefix: string): Promise<RunRecord | null> {
    return this.#guard(() => runs.getRun(this.#db, idOrPrefix));
  }
  listRuns(query: RunQuery = {}): Promise<RunPage> {
    return this.#guard(() => runs.listRuns(this.#db, query));
  }
  deleteRun(id: string): Promise<boolean> {
    return this.#guard(() => runs.deleteRun(this.#db, id));
  }
  countRuns(filter: RunFilter = {}): Promise<number> {
    return this.#guard(() => runs.countRuns(this.#db, filter));
  }
  runTotals(filter: RunFilter = {}): Promise<RunTotals> {
    return this.#guard(() => runs.runTotals(this.#db, filter));
  }

  appendSamples(runId: string, batch: Sample[]): Promise<number> {
    return this.#guard(() => samples.appendSamples(this.#db, runId, batch));
  }
  listSamples(runId: string, query: SampleQuery = {}): Promise<Sample[]> {
    return this.#guard(() => samples.listSamples(this.#db, runId, query));
  }
  appendMetrics(runId: string, points: MetricPoint[]): Promise<number> {
    return this.#guard(() => samples.appendMetrics(this.#db, runId, points));
  }
  listMetrics(runId: string, query: MetricQuery = {}): Promise<MetricPoint[]> {
    return this.#guard(() => samples.listMetrics(this.#db, runId, query));
  }
  setParams(runId: string, params: RunRecord['params']): Promise<RunRecord['params']> {
    return this.#guard(() => runs.setParams(this.#db, this.#engine, runId, params));
  }

  exportRunBundle(idOrPrefix: string): Promise<RunBundle> {
    return this.#guard(() => samples.exportRunBundle(this.#db, idOrPrefix));
  }
  importRunBundle(bundle: RunBundle): Promise<void> {
    return this.#guard(() => samples.importRunBundle(this.#db, bundle));
  }

  createJob(job: JobRecord): Promise<void> {
    return this.#guard(() => jobs.createJob(this.#db, job));
  }
  importJob(job: JobRecord): Promise<void> {
    return this.#guard(() => jobs.importJob(this.#db, job));
  }
  getJob(idOrPrefix: string): Promise<JobRecord | null> {
    return this.#guard(() => jobs.getJob(this.#db, idOrPrefix));
  }
  listJobs(query: JobQuery = {}): Promise<JobPage> {
    return this.#guard(() => jobs.listJobs(this.#db, query));
  }
  updateJob(id: string, patch: JobPatch, options: UpdateJobOptions = {}): Promise<boolean> {
    return this.#guard(() => jobs.updateJob(this.#db, this.#engine, id, patch, options));
  }
  claimNextDueJob(request: ClaimRequest): Promise<JobRecord | null> {
    return this.#guard(() => jobs.claimNextDueJob(this.#db, this.#engine, request));
  }
  renewLease(id: string, agentId: string, leaseUntilMs: number): Promise<boolean> {
    return this.#guard(() => jobs.renewLease(this.#db, id, agentId, leaseUntilMs));
  }

  putIntensity(series: IntensitySeries): Promise<void> {
    return this.#guard(() => intensity.putIntensity(this.#db, series));
  }
  getIntensity(zone: string, query: IntensityQuery): Promise<IntensitySeries | null> {
    return this.#guard(() => intensity.getIntensity(this.#db, zone, query));
  }

  createToken(token: ApiTokenRecord): Promise<void> {
    return this.#guard(() => tokens.createToken(this.#db, token));
  }
  importToken(token: ApiTokenRecord): Promise<void> {
    return this.#guard(() => tokens.importToken(this.#db, token));
  }
  findTokenByHash(hash: string): Promise<ApiTokenRecord | null> {
    return this.#guard(() => tokens.findTokenByHash(this.#db, hash));
  }
  listTokens(): Promise<ApiTokenRecord[]> {
    return this.#guard(() => tokens.listTokens(this.#db));
  }
  revokeToken(id: string, nowMs: number = Date.now()): Promise<boolean> {
    return this.#guard(() => tokens.revokeToken(this.#db, id, nowMs));
  }
  touchToken(id: string, nowMs: number): Promise<void> {
    return this.#guard(() => tokens.touchToken(this.#db, id, nowMs));
  }

  putBudget(budget: BudgetRecord): Promise<void> {
    return this.#guard(() => budgets.putBudget(this.#db, budget));
  }
  getBudget(idOrName: string): Promise<BudgetRecord | null> {
    return this.#guard(() => budgets.getBudget(this.#db, idOrName));
  }
  listBudgets(): Promise<BudgetRecord[]> {
    return this.#guard(() => budgets.listBudgets(this.#db));
  }
  deleteBudget(id: string): Promise<boolean> {
    return this.#guard(() => budgets.deleteBudget(this.#db, id));
  }
  getBudgetState(budgetId: string, periodKey: string): Promise<BudgetStateRecord | null> {
    return this.#guard(() => budgets.getBudgetState(this.#db, budgetId, periodKey));
  }
  listBudgetStates(budgetId: string, options: { limit?: number } = {}): Promise<BudgetStateRecord[]> {
    return this.#guard(() => budgets.listBudgetStates(this.#db, budgetId, options));
  }
  putBudgetState(state: BudgetStateInput, options: PutBudgetStateOptions): Promise<BudgetStateRecord | null> {
    return this.#guard(() => budgets.putBudgetState(this.#db, state, options));
  }
  appendAlert(alert: BudgetAlertRecord): Promise<boolean> {
    return this.#guard(() => budgets.appendAlert(this.#db, alert));
  }
  listAlerts(query: AlertQuery = {}): Promise<BudgetAlertRecord[]> {
    return this.#guard(() => budgets.listAlerts(this.#db, query));
  }
  claimAlert(id: string, claim: AlertClaim): Promise<BudgetAlertRecord | null> {
    return this.#guard(() => budgets.claimAlert(this.#db, id, claim));
  }
  finishAlert(id: string, outcome: AlertOutcome): Promise<boolean> {
    return this.#guard(() => budgets.finishAlert(this.#db, id, outcome));
  }
}
