/**
 * Recording to a remote greenml server without losing anything when it is unreachable.
 *
 * createSpoolingStore({ remote, local, spoolDir }) writes to the remote store. When a write fails
 * because the server cannot take it (no answer, a 5xx, or a refused token: nothing was stored
 * there), the run it belongs to, and every write after it, goes to the local store instead, and
 * the run is marked for sync: one small file per run in `spoolDir`. syncSpool later pushes each
 * marked run as a bundle (exportRunBundle -> importRunBundle, idempotent) and removes the mark
 * only after the server confirmed the import.
 *
 * Marks and concurrent writers: the spooling store rewrites a run's mark after every local write.
 * syncSpool first renames the mark to a claim, then exports and pushes, then deletes the claim.
 * A write that lands after the export rewrites the mark, so the next sync pushes it: a run that
 * is still being recorded while a sync runs loses nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GreenmlError, isGreenmlError, type ApiTokenRecord, type IntensitySeries, type JobRecord, type MetricPoint, type ProjectSummary, type RunRecord, type Sample } from '../core/index.js';
import { isTransient, RemoteStoreError } from './http.js';
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

export interface SpoolMark {
  format: 'greenml.spool-mark';
  version: 1;
  runId: string;
  /** The server the run was meant for. */
  server: string;
  /** Why it was spooled (the remote's error). */
  reason: string;
  markedAt: number;
}

export interface SpoolEvent {
  runId: string;
  /** The remote's error that started spooling. */
  reason: string;
  /** Where the run is kept meanwhile. */
  local: string;
}

export interface SpoolingStoreOptions {
  remote: Store;
  /** The local store, or how to open it (opened on the first write that needs it). */
  local: Store | (() => Promise<Store>);
  /** Folder for the sync marks (created when needed). */
  spoolDir: string;
  /** Called once per run that is spooled. */
  onSpool?: (event: SpoolEvent) => void;
  /** Epoch ms for marks; default Date.now. */
  clock?: () => number;
}

export interface SpoolingStore extends Store {
  /** Runs this store has written locally for a later sync. */
  readonly spooledRunIds: readonly string[];
  /** The remote's error that started spooling; null while the remote takes every write. */
  readonly spoolReason: string | null;
}

/** Failures after which the server has kept nothing: keep the run locally and sync it later. */
export function shouldSpool(e: unknown): boolean {
  return isTransient(e) || (e instanceof RemoteStoreError && (e.code === 'UNAUTHENTICATED' || e.code === 'FORBIDDEN'));
}

const markFile = (dir: string, runId: string): string => join(dir, `${encodeURIComponent(runId)}.json`);

function writeMark(dir: string, mark: SpoolMark): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${encodeURIComponent(mark.runId)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(tmp, JSON.stringify(mark) + '\n');
  renameSync(tmp, markFile(dir, mark.runId));
}

function readMark(path: string): SpoolMark | null {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as SpoolMark;
    return m && m.format === 'greenml.spool-mark' && typeof m.runId === 'string' ? m : null;
  } catch {
    return null;
  }
}

/** The folder of sync marks next to a local SQLite file: `<file>-spool`. */
export function spoolDirFor(localPath: string): string {
  return `${localPath}-spool`;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Puts back claims left by a sync that died (its process is gone). */
function recoverClaims(dir: string): void {
  for (const name of safeList(dir)) {
    const m = /^(.+)\.json\.syncing-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m || alive(Number(m[2]))) continue;
    const mark = join(dir, `${m[1]}.json`);
    try {
      renameSync(join(dir, name), mark);
    } catch {
      rmSync(join(dir, name), { force: true });
    }
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new GreenmlError('STORE_UNAVAILABLE', `Cannot read the spool folder ${dir}: ${(e as Error).message}.`, { cause: e });
  }
}

/** Runs waiting for a sync, oldest mark first. */
export function pendingSyncs(spoolDir: string): SpoolMark[] {
  return safeList(spoolDir)
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .map((n) => readMark(join(spoolDir, n)))
    .filter((m): m is SpoolMark => m !== null)
    .sort((a, b) => a.markedAt - b.markedAt || (a.runId < b.runId ? -1 : 1));
}

class Spooler implements SpoolingStore {
  readonly kind: Store['kind'];
  readonly location: string;
  readonly #remote: Store;
  readonly #openLocal: () => Promise<Store>;
  #local: Promise<Store> | null = null;
  readonly #dir: string;
  readonly #onSpool: ((e: SpoolEvent) => void) | undefined;
  readonly #clock: () => number;
  /** The last state of each run this store wrote, to seed the local copy when spooling starts mid-run. */
  readonly #latest = new Map<string, RunRecord>();
  readonly #spooled = new Map<string, Promise<void>>();
  #reason: string | null = null;

  constructor(o: SpoolingStoreOptions) {
    this.#remote = o.remote;
    this.kind = o.remote.kind;
    this.location = o.remote.location;
    const local = o.local;
    this.#openLocal = typeof local === 'function' ? local : async () => local;
    this.#dir = o.spoolDir;
    this.#onSpool = o.onSpool;
    this.#clock = o.clock ?? Date.now;
  }

  get spooledRunIds(): readonly string[] {
    return [...this.#spooled.keys()];
  }
  get spoolReason(): string | null {
    return this.#reason;
  }

  #localStore(): Promise<Store> {
    this.#local ??= this.#openLocal();
    return this.#local;
  }

  #mark(runId: string): void {
    writeMark(this.#dir, { format: 'greenml.spool-mark', version: 1, runId, server: this.#remote.location, reason: this.#reason ?? 'spooled', markedAt: this.#clock() });
  }

  /** Makes the local store hold the run (as last written) and remembers that it is spooled. */
  #spool(runId: string, seed: RunRecord | null, cause: unknown): Promise<void> {
    const known = this.#spooled.get(runId);
    if (known) return known;
    const run = seed ?? this.#latest.get(runId) ?? null;
    const start = (async () => {
      const local = await this.#localStore();
      if (run) await local.importRunBundle({ format: 'greenml.run-bundle', version: 1, run, samples: [], metrics: [] });
      else if (!(await local.getRun(runId))) throw cause;
      this.#mark(runId);
      this.#onSpool?.({ runId, reason: this.#reason ?? String(cause), local: local.location });
    })();
    this.#spooled.set(runId, start);
    start.catch(() => this.#spooled.delete(runId));
    return start;
  }

  /**
   * One write of a run: to the remote while it takes writes, else (or when this write fails in a
   * way that stored nothing) to the local store, with the run's mark rewritten after it.
   */
  async #write<T>(runId: string, seed: RunRecord | null, remote: (s: Store) => Promise<T>, local: (s: Store) => Promise<T>): Promise<T> {
    if (this.#reason === null && !this.#spooled.has(runId)) {
      try {
        return await remote(this.#remote);
      } catch (e) {
        if (!shouldSpool(e)) throw e;
        this.#reason ??= isGreenmlError(e) ? e.message : String(e);
        await this.#spool(runId, seed, e);
      }
    } else {
      await this.#spool(runId, seed, new GreenmlError('STORE_UNAVAILABLE', this.#reason ?? 'spooling'));
    }
    const result = await local(await this.#localStore());
    this.#mark(runId);
    return result;
  }

  async #read<T>(runId: string, read: (s: Store) => Promise<T>): Promise<T> {
    return read(this.#spooled.has(runId) ? await this.#localStore() : this.#remote);
  }

  migrate(): Promise<MigrationReport> {
    return this.#remote.migrate();
  }
  async close(): Promise<void> {
    await this.#remote.close();
    if (this.#local) await (await this.#local).close();
  }

  async ensureProject(name: string): Promise<void> {
    try {
      await this.#remote.ensureProject(name);
    } catch (e) {
      // A project reaches the server with its first synced run; keeping it locally is enough.
      if (!shouldSpool(e)) throw e;
      await (await this.#localStore()).ensureProject(name);
    }
  }
  listProjects(): Promise<ProjectSummary[]> {
    return this.#remote.listProjects();
  }

  async createRun(run: RunRecord): Promise<void> {
    await this.#write(run.id, run, (s) => s.createRun(run), async () => undefined);
    this.#latest.set(run.id, run);
  }
  async updateRun(id: string, patch: RunPatch): Promise<RunRecord> {
    const updated = await this.#write(id, null, (s) => s.updateRun(id, patch), (s) => s.updateRun(id, patch));
    this.#latest.set(id, updated);
    return updated;
  }
  getRun(idOrPrefix: string): Promise<RunRecord | null> {
    return this.#read(idOrPrefix, (s) => s.getRun(idOrPrefix));
  }
  listRuns(query?: RunQuery): Promise<RunPage> {
    return this.#remote.listRuns(query);
  }
  deleteRun(id: string): Promise<boolean> {
    return this.#read(id, (s) => s.deleteRun(id));
  }
  countRuns(filter?: RunFilter): Promise<number> {
    return this.#remote.countRuns(filter);
  }
  runTotals(filter?: RunFilter): Promise<RunTotals> {
    return this.#remote.runTotals(filter);
  }

  appendSamples(runId: string, samples: Sample[]): Promise<number> {
    return this.#write(runId, null, (s) => s.appendSamples(runId, samples), (s) => s.appendSamples(runId, samples));
  }
  listSamples(runId: string, query?: SampleQuery): Promise<Sample[]> {
    return this.#read(runId, (s) => s.listSamples(runId, query));
  }
  appendMetrics(runId: string, points: MetricPoint[]): Promise<number> {
    return this.#write(runId, null, (s) => s.appendMetrics(runId, points), (s) => s.appendMetrics(runId, points));
  }
  listMetrics(runId: string, query?: MetricQuery): Promise<MetricPoint[]> {
    return this.#read(runId, (s) => s.listMetrics(runId, query));
  }
  async setParams(runId: string, params: RunRecord['params']): Promise<RunRecord['params']> {
    const merged = await this.#write(runId, null, (s) => s.setParams(runId, params), (s) => s.setParams(runId, params));
    const latest = this.#latest.get(runId);
    if (latest) this.#latest.set(runId, { ...latest, params: merged });
    return merged;
  }

  exportRunBundle(idOrPrefix: string): Promise<RunBundle> {
    return this.#read(idOrPrefix, (s) => s.exportRunBundle(idOrPrefix));
  }
  async importRunBundle(bundle: RunBundle): Promise<void> {
    await this.#write(bundle.run.id, bundle.run, (s) => s.importRunBundle(bundle), (s) => s.importRunBundle(bundle));
    this.#latest.set(bundle.run.id, bundle.run);
  }

  // Jobs, tokens, budgets and the intensity cache are the server's; they are not spooled.
  createJob(job: JobRecord): Promise<void> {
    return this.#remote.createJob(job);
  }
  importJob(job: JobRecord): Promise<void> {
    return this.#remote.importJob(job);
  }
  getJob(idOrPrefix: string): Promise<JobRecord | null> {
    return this.#remote.getJob(idOrPrefix);
  }
  listJobs(query?: JobQuery): Promise<JobPage> {
    return this.#remote.listJobs(query);
  }
  updateJob(id: string, patch: JobPatch, options?: UpdateJobOptions): Promise<boolean> {
    return this.#remote.updateJob(id, patch, options);
  }
  claimNextDueJob(request: ClaimRequest): Promise<JobRecord | null> {
    return this.#remote.claimNextDueJob(request);
  }
  renewLease(id: string, agentId: string, leaseUntilMs: number): Promise<boolean> {
    return this.#remote.renewLease(id, agentId, leaseUntilMs);
  }
  putIntensity(series: IntensitySeries): Promise<void> {
    return this.#remote.putIntensity(series);
  }
  getIntensity(zone: string, query: IntensityQuery): Promise<IntensitySeries | null> {
    return this.#remote.getIntensity(zone, query);
  }
  createToken(token: ApiTokenRecord): Promise<void> {
    return this.#remote.createToken(token);
  }
  importToken(token: ApiTokenRecord): Promise<void> {
    return this.#remote.importToken(token);
  }
  findTokenByHash(hash: string): Promise<ApiTokenRecord | null> {
    return this.#remote.findTokenByHash(hash);
  }
  listTokens(): Promise<ApiTokenRecord[]> {
    return this.#remote.listTokens();
  }
  revokeToken(id: string, nowMs?: number): Promise<boolean> {
    return this.#remote.revokeToken(id, nowMs);
  }
  touchToken(id: string, nowMs: number): Promise<void> {
    return this.#remote.touchToken(id, nowMs);
  }
  putBudget(budget: BudgetRecord): Promise<void> {
    return this.#remote.putBudget(budget);
  }
  getBudget(idOrName: string): Promise<BudgetRecord | null> {
    return this.#remote.getBudget(idOrName);
  }
  listBudgets(): Promise<BudgetRecord[]> {
    return this.#remote.listBudgets();
  }
  deleteBudget(id: string): Promise<boolean> {
    return this.#remote.deleteBudget(id);
  }
  getBudgetState(budgetId: string, periodKey: string): Promise<BudgetStateRecord | null> {
    return this.#remote.getBudgetState(budgetId, periodKey);
  }
  listBudgetStates(budgetId: string, options?: { limit?: number }): Promise<BudgetStateRecord[]> {
    return this.#remote.listBudgetStates(budgetId, options);
  }
  putBudgetState(state: BudgetStateInput, options: PutBudgetStateOptions): Promise<BudgetStateRecord | null> {
    return this.#remote.putBudgetState(state, options);
  }
  appendAlert(alert: BudgetAlertRecord): Promise<boolean> {
    return this.#remote.appendAlert(alert);
  }
  listAlerts(query?: AlertQuery): Promise<BudgetAlertRecord[]> {
    return this.#remote.listAlerts(query);
  }
  claimAlert(id: string, claim: AlertClaim): Promise<BudgetAlertRecord | null> {
    return this.#remote.claimAlert(id, claim);
  }
  finishAlert(id: string, outcome: AlertOutcome): Promise<boolean> {
    return this.#remote.finishAlert(id, outcome);
  }
}

export function createSpoolingStore(options: SpoolingStoreOptions): SpoolingStore {
  return new Spooler(options);
}

export interface SyncedRun {
  runId: string;
  status: RunRecord['status'];
  samples: number;
  metrics: number;
}

export interface SyncReport {
  /** Runs the server confirmed; their marks are gone. */
  pushed: SyncedRun[];
  /** Runs still marked, with why (the server failed, or the run is not in this local store). */
  failed: { runId: string; code: string; message: string }[];
  /** Marks other syncs were pushing at the same time, left to them. */
  skipped: string[];
}

export interface SyncOptions {
  local: Store;
  remote: Store;
  spoolDir: string;
  onRun?: (outcome: { runId: string; ok: boolean; message?: string }) => void;
}

/**
 * Pushes every marked run to the remote store, oldest first. A mark is removed only after the
 * server confirmed the import; when the server fails, the remaining runs stay marked.
 */
export async function syncSpool(opts: SyncOptions): Promise<SyncReport> {
  const { local, remote, spoolDir } = opts;
  recoverClaims(spoolDir);
  const report: SyncReport = { pushed: [], failed: [], skipped: [] };
  let down: GreenmlError | null = null;
  for (const mark of pendingSyncs(spoolDir)) {
    if (down) {
      report.failed.push({ runId: mark.runId, code: down.code, message: down.message });
      continue;
    }
    const file = markFile(spoolDir, mark.runId);
    const claim = `${file}.syncing-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(file, claim);
    } catch {
      report.skipped.push(mark.runId);
      continue;
    }
    const giveBack = (): void => {
      try {
        // A newer mark (a write after the claim) already stands for this run.
        readFileSync(file);
        rmSync(claim, { force: true });
      } catch {
        renameSync(claim, file);
      }
    };
    try {
      const bundle = await local.exportRunBundle(mark.runId);
      await remote.importRunBundle(bundle);
      rmSync(claim, { force: true });
      report.pushed.push({ runId: mark.runId, status: bundle.run.status, samples: bundle.samples.length, metrics: bundle.metrics.length });
      opts.onRun?.({ runId: mark.runId, ok: true });
    } catch (e) {
      giveBack();
      const g = isGreenmlError(e) ? e : new GreenmlError('INTERNAL', String(e));
      const message = g.code === 'NOT_FOUND' && !(e instanceof RemoteStoreError) ? `Run ${mark.runId} is not in ${local.location}; sync it with the --db it was recorded to.` : g.message;
      report.failed.push({ runId: mark.runId, code: g.code, message });
      opts.onRun?.({ runId: mark.runId, ok: false, message });
      if (shouldSpool(e)) down = g;
    }
  }
  return report;
}
