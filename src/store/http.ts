/**
 * The `http` adapter: the whole Store port over a greenml server's REST API (docs/api.md) with
 * fetch. Input is checked here with the same validators the SQL adapters use, so a bad record
 * fails the same way (same message, nothing sent) whatever the store; the server's error bodies
 * come back as the same GreenmlError codes. Batches larger than the server's limits (GET
 * /api/v1/health) are sent in parts; every part is idempotent, so a retry completes a batch.
 */
import { ERROR_CODES, GreenmlError, type ApiTokenRecord, type ErrorCode, type IntensitySeries, type JobRecord, type MetricPoint, type ProjectSummary, type RunRecord, type Sample } from '../core/index.js';
import type {
  AlertClaim,
  AlertOutcome,
  AlertQuery,
  BudgetAlertRecord,
  BudgetRecord,
  BudgetStateInput,
  BudgetStateRecord,
  ClaimRequest,
  PutBudgetStateOptions,
  IntensityQuery,
  JobPage,
  JobPatch,
  JobQuery,
  MetricQuery,
  MigrationReport,
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
import {
  id,
  invalid,
  jsonValue,
  projectName,
  tokenHash,
  validateBundle,
  validateJob,
  validateMetrics,
  validateParams,
  validateRun,
  validateRunFilter,
  validateRunQuery,
  validateSamples,
  validateSeries,
  validateToken,
} from './validate.js';

export interface HttpStoreOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8767 (a path prefix is kept). */
  url: string;
  /** An API token (gml_...); optional for a server on a loopback address. */
  token?: string | null;
  /** Per request, ms (default 30,000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** An error from the remote store, with the HTTP status it came with (null: no answer at all). */
export class RemoteStoreError extends GreenmlError {
  readonly status: number | null;
  constructor(code: ErrorCode, message: string, status: number | null, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(code, message, options);
    this.status = status;
  }
}

/** The server could not be reached or failed (no answer, or a 5xx): worth spooling and retrying later. */
export function isTransient(e: unknown): boolean {
  return e instanceof RemoteStoreError && (e.status === null || e.status >= 500);
}

interface Limits {
  bodyBytes: number;
  samplesPerBatch: number;
  metricsPerBatch: number;
}
/** What a server answers when it cannot say (src/server/deps.ts DEFAULT_LIMITS). */
const FALLBACK_LIMITS: Limits = { bodyBytes: 1024 * 1024, samplesPerBatch: 10_000, metricsPerBatch: 10_000 };
/** Headroom under the server's body limit for the envelope around a part. */
const BODY_SHARE = 0.9;

type Query = Record<string, string | number | boolean | readonly string[] | undefined | null>;

const enc = encodeURIComponent;

function queryString(q: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const x of v) params.append(k, String(x));
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function filterQuery(f: RunFilter): Query {
  return { project: f.project, status: f.status === undefined ? undefined : ([] as string[]).concat(f.status), since: f.since, until: f.until, search: f.search };
}

/** Splits items into parts whose JSON fits `maxBytes` and `maxCount` (halving; one oversized item stays alone). */
export function splitToFit<T>(items: readonly T[], encode: (part: readonly T[]) => string, maxBytes: number, maxCount: number): T[][] {
  const out: T[][] = [];
  const visit = (part: readonly T[]): void => {
    if (part.length > 1 && (part.length > maxCount || Buffer.byteLength(encode(part)) > maxBytes)) {
      const mid = Math.ceil(part.length / 2);
      visit(part.slice(0, mid));
      visit(part.slice(mid));
    } else out.push([...part]);
  };
  visit(items);
  return out;
}

export class HttpStore implements Store {
  readonly kind = 'http' as const;
  readonly location: string;
  readonly #base: string;
  readonly #token: string | null;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  #limits: Promise<Limits> | null = null;
  #closed = false;

  constructor(opts: HttpStoreOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new GreenmlError('INVALID_INPUT', `"${opts.url}" is not a server URL. Give one like http://127.0.0.1:8767 (--server or GREENML_SERVER).`, { details: { field: 'server' } });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new GreenmlError('INVALID_INPUT', `The server URL must start with http:// or https://, got "${opts.url}".`, { details: { field: 'server' } });
    }
    url.username = '';
    url.password = '';
    this.#base = url.toString().replace(/\/+$/, '');
    this.location = this.#base;
    this.#token = opts.token ?? null;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#fetch = opts.fetch ?? fetch;
  }

  async #request(method: string, path: string, body?: unknown): Promise<{ status: number; data: unknown }> {
    if (this.#closed) throw new GreenmlError('STORE_UNAVAILABLE', `The store for ${this.location} is closed.`);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await this.#fetch(`${this.#base}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = (e as Error).name === 'TimeoutError' ? `no answer within ${this.#timeoutMs} ms` : (cause?.code ?? cause?.message ?? (e as Error).message);
      throw new RemoteStoreError('STORE_UNAVAILABLE', `Cannot reach the greenml server at ${this.location}: ${why}. Check that greenml serve runs there (--server or GREENML_SERVER).`, null, {
        cause: e,
        details: { location: this.location },
      });
    }
    const text = await res.text();
    let data: unknown = null;
    if (text !== '') {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }
    if (res.ok) {
      if (data === undefined) throw new RemoteStoreError('STORE_UNAVAILABLE', `${this.location} answered ${method} ${path} with something other than JSON: is it a greenml server?`, res.status);
      return { status: res.status, data };
    }
    throw this.#errorFrom(res.status, data, text);
  }

  #errorFrom(status: number, data: unknown, text: string): RemoteStoreError {
    const err = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    if (err && typeof err.code === 'string' && typeof err.message === 'string') {
      const code = (ERROR_CODES as readonly string[]).includes(err.code) ? (err.code as ErrorCode) : 'INTERNAL';
      const details = err.details && typeof err.details === 'object' ? (err.details as Record<string, unknown>) : undefined;
      return new RemoteStoreError(code, err.message, status, details ? { details } : {});
    }
    const snippet = text.replace(/\s+/g, ' ').slice(0, 200);
    const code: ErrorCode = status >= 500 ? 'STORE_UNAVAILABLE' : status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 404 ? 'NOT_FOUND' : 'INVALID_INPUT';
    return new RemoteStoreError(code, `${this.location} answered HTTP ${status}${snippet ? `: ${snippet}` : ''}. Is it a greenml server?`, status);
  }

  /** GET that answers null for a greenml NOT_FOUND (the record is absent), and throws anything else. */
  async #getOrNull<T>(path: string, pick: (data: unknown) => T): Promise<T | null> {
    try {
      return pick((await this.#request('GET', path)).data);
    } catch (e) {
      if (e instanceof RemoteStoreError && e.code === 'NOT_FOUND' && e.details !== undefined) return null;
      throw e;
    }
  }

  #serverLimits(): Promise<Limits> {
    this.#limits ??= this.#request('GET', '/api/v1/health').then(
      ({ data }) => {
        const l = (data as { limits?: Partial<Limits> }).limits ?? {};
        return { ...FALLBACK_LIMITS, ...l };
      },
      (e: unknown) => {
        this.#limits = null;
        throw e;
      },
    );
    return this.#limits;
  }

  async migrate(): Promise<MigrationReport> {
    // The server migrated its own store when it opened it; this checks that it answers.
    await this.#request('GET', '/api/v1/health');
    return { applied: [] };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  async ensureProject(name: string): Promise<void> {
    projectName(name, 'name');
    await this.#request('PUT', `/api/v1/projects/${enc(name)}`);
  }

  async listProjects(): Promise<ProjectSummary[]> {
    return ((await this.#request('GET', '/api/v1/projects')).data as { projects: ProjectSummary[] }).projects;
  }

  async createRun(run: RunRecord): Promise<void> {
    validateRun(run);
    await this.#request('POST', '/api/v1/runs', run);
  }

  async updateRun(runId: string, patch: RunPatch): Promise<RunRecord> {
    id(runId, 'id');
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) invalid('patch', 'an object', patch);
    const given = patch as Partial<RunRecord>;
    if (given.id !== undefined && given.id !== runId) invalid('patch.id', `absent or "${runId}" (a run's id never changes)`, given.id);
    jsonValue(patch, 'patch');
    return (await this.#request('PATCH', `/api/v1/runs/${enc(runId)}`, patch)).data as RunRecord;
  }

  getRun(idOrPrefix: string): Promise<RunRecord | null> {
    id(idOrPrefix, 'id');
    return this.#getOrNull(`/api/v1/runs/${enc(idOrPrefix)}?samples=false&metrics=false`, (d) => (d as { run: RunRecord }).run);
  }

  async listRuns(query: RunQuery = {}): Promise<RunPage> {
    validateRunQuery(query);
    const q = { ...filterQuery(query), sort: query.sort, order: query.order, limit: query.limit, cursor: query.cursor };
    const { runs, nextCursor } = (await this.#request('GET', `/api/v1/runs${queryString(q)}`)).data as RunPage;
    return { runs, nextCursor };
  }

  async deleteRun(runId: string): Promise<boolean> {
    id(runId, 'id');
    try {
      await this.#request('DELETE', `/api/v1/runs/${enc(runId)}`);
      return true;
    } catch (e) {
      if (e instanceof RemoteStoreError && e.code === 'NOT_FOUND' && e.details !== undefined) return false;
      throw e;
    }
  }

  async countRuns(filter: RunFilter = {}): Promise<number> {
    validateRunFilter(filter);
    return ((await this.#request('GET', `/api/v1/runs${queryString({ ...filterQuery(filter), limit: 1, count: true })}`)).data as { total: number }).total;
  }

  async runTotals(filter: RunFilter = {}): Promise<RunTotals> {
    validateRunFilter(filter);
    return (await this.#request('GET', `/api/v1/totals${queryString(filterQuery(filter))}`)).data as RunTotals;
  }

  async appendSamples(runId: string, samples: Sample[]): Promise<number> {
    id(runId, 'runId');
    validateSamples(samples);
    const limits = await this.#serverLimits();
    const parts = splitToFit(samples, (p) => JSON.stringify({ samples: p }), limits.bodyBytes * BODY_SHARE, limits.samplesPerBatch);
    let added = 0;
    for (const part of parts) added += ((await this.#request('POST', `/api/v1/runs/${enc(runId)}/samples`, { samples: part })).data as { added: number }).added;
    return added;
  }

  async listSamples(runId: string, query: SampleQuery = {}): Promise<Sample[]> {
    id(runId, 'runId');
    const q = queryString({ fromT: query.fromT, limit: query.limit, maxPoints: query.maxPoints });
    return ((await this.#request('GET', `/api/v1/runs/${enc(runId)}/samples${q}`)).data as { samples: Sample[] }).samples;
  }

  async appendMetrics(runId: string, points: MetricPoint[]): Promise<number> {
    id(runId, 'runId');
    validateMetrics(points);
    const limits = await this.#serverLimits();
    const parts = splitToFit(points, (p) => JSON.stringify({ metrics: p }), limits.bodyBytes * BODY_SHARE, limits.metricsPerBatch);
    let added = 0;
    for (const part of parts) added += ((await this.#request('POST', `/api/v1/runs/${enc(runId)}/metrics`, { metrics: part })).data as { added: number }).added;
    return added;
  }

  async listMetrics(runId: string, query: MetricQuery = {}): Promise<MetricPoint[]> {
    id(runId, 'runId');
    return ((await this.#request('GET', `/api/v1/runs/${enc(runId)}/metrics${queryString({ key: query.key })}`)).data as { metrics: MetricPoint[] }).metrics;
  }

  async setParams(runId: string, params: RunRecord['params']): Promise<RunRecord['params']> {
    id(runId, 'runId');
    validateParams(params);
    return ((await this.#request('PATCH', `/api/v1/runs/${enc(runId)}/params`, { params })).data as { params: RunRecord['params'] }).params;
  }

  async exportRunBundle(idOrPrefix: string): Promise<RunBundle> {
    id(idOrPrefix, 'id');
    return (await this.#request('GET', `/api/v1/runs/${enc(idOrPrefix)}/bundle`)).data as RunBundle;
  }

  async importRunBundle(bundle: RunBundle): Promise<void> {
    validateBundle(bundle);
    const limits = await this.#serverLimits();
    type Item = { s: Sample } | { m: MetricPoint };
    const items: Item[] = [...bundle.samples.map((s) => ({ s })), ...bundle.metrics.map((m) => ({ m }))];
    const partOf = (p: readonly Item[]): RunBundle => ({
      ...bundle,
      samples: p.flatMap((x) => ('s' in x ? [x.s] : [])),
      metrics: p.flatMap((x) => ('m' in x ? [x.m] : [])),
    });
    // Each part upserts the run and a slice of its samples and metrics; together they are the bundle.
    const parts = splitToFit(items, (p) => JSON.stringify(partOf(p)), limits.bodyBytes * BODY_SHARE, Math.min(limits.samplesPerBatch, limits.metricsPerBatch));
    for (const part of parts) await this.#request('POST', '/api/v1/bundles', partOf(part));
  }

  async createJob(job: JobRecord): Promise<void> {
    validateJob(job);
    await this.#request('POST', '/api/v1/jobs', job);
  }

  async importJob(job: JobRecord): Promise<void> {
    validateJob(job);
    await this.#request('PUT', `/api/v1/jobs/${enc(job.id)}`, job);
  }

  getJob(idOrPrefix: string): Promise<JobRecord | null> {
    id(idOrPrefix, 'id');
    return this.#getOrNull(`/api/v1/jobs/${enc(idOrPrefix)}`, (d) => d as JobRecord);
  }

  async listJobs(query: JobQuery = {}): Promise<JobPage> {
    const state = query.state === undefined ? undefined : ([] as string[]).concat(query.state);
    const q = queryString({ state, project: query.project, limit: query.limit, cursor: query.cursor });
    return (await this.#request('GET', `/api/v1/jobs${q}`)).data as JobPage;
  }

  async updateJob(jobId: string, patch: JobPatch, options: UpdateJobOptions = {}): Promise<boolean> {
    id(jobId, 'id');
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) invalid('patch', 'an object', patch);
    jsonValue(patch, 'patch');
    const body = options.expectState === undefined ? { patch } : { patch, expectState: options.expectState };
    return ((await this.#request('PATCH', `/api/v1/jobs/${enc(jobId)}`, body)).data as { applied: boolean }).applied;
  }

  async claimNextDueJob(request: ClaimRequest): Promise<JobRecord | null> {
    jsonValue(request, 'request');
    return ((await this.#request('POST', '/api/v1/jobs/claim', request)).data as { job: JobRecord | null }).job;
  }

  async renewLease(jobId: string, agentId: string, leaseUntilMs: number): Promise<boolean> {
    id(jobId, 'id');
    jsonValue(leaseUntilMs, 'leaseUntilMs');
    return ((await this.#request('POST', `/api/v1/jobs/${enc(jobId)}/lease`, { agentId, leaseUntilMs })).data as { renewed: boolean }).renewed;
  }

  async putIntensity(series: IntensitySeries): Promise<void> {
    validateSeries(series);
    await this.#request('POST', '/api/v1/intensity-cache', series);
  }

  getIntensity(zone: string, query: IntensityQuery): Promise<IntensitySeries | null> {
    id(zone, 'zone');
    const q = queryString({ fromMs: query.fromMs, toMs: query.toMs, kind: query.kind, source: query.source });
    return this.#getOrNull(`/api/v1/intensity-cache/${enc(zone)}${q}`, (d) => d as IntensitySeries);
  }

  async createToken(token: ApiTokenRecord): Promise<void> {
    validateToken(token);
    await this.#request('POST', '/api/v1/tokens', token);
  }

  async importToken(token: ApiTokenRecord): Promise<void> {
    validateToken(token);
    await this.#request('PUT', `/api/v1/tokens/${enc(token.id)}`, token);
  }

  findTokenByHash(hash: string): Promise<ApiTokenRecord | null> {
    tokenHash(hash);
    return this.#getOrNull(`/api/v1/tokens/by-hash/${hash}`, (d) => d as ApiTokenRecord);
  }

  async listTokens(): Promise<ApiTokenRecord[]> {
    return ((await this.#request('GET', '/api/v1/tokens')).data as { tokens: ApiTokenRecord[] }).tokens;
  }

  async revokeToken(tokenId: string, nowMs?: number): Promise<boolean> {
    id(tokenId, 'id');
    return ((await this.#request('POST', `/api/v1/tokens/${enc(tokenId)}/revoke`, nowMs === undefined ? {} : { nowMs })).data as { revoked: boolean }).revoked;
  }

  async touchToken(tokenId: string, nowMs: number): Promise<void> {
    id(tokenId, 'id');
    await this.#request('POST', `/api/v1/tokens/${enc(tokenId)}/touch`, { nowMs });
  }

  // Budgets: the server's store checks them in depth (validateBudgetSpec, state and alert checks);
  // here only what JSON would silently change (NaN, Infinity) is refused, with the field's name.

  async putBudget(budget: BudgetRecord): Promise<void> {
    if (typeof budget !== 'object' || budget === null) invalid('budget', 'an object', budget);
    id(budget.id, 'budget.id');
    jsonValue(budget, 'budget');
    await this.#request('PUT', `/api/v1/budgets/${enc(budget.id)}`, budget);
  }

  getBudget(idOrName: string): Promise<BudgetRecord | null> {
    id(idOrName, 'budget id or name');
    return this.#getOrNull(`/api/v1/budgets/${enc(idOrName)}`, (d) => d as BudgetRecord);
  }

  async listBudgets(): Promise<BudgetRecord[]> {
    return ((await this.#request('GET', '/api/v1/budgets')).data as { budgets: BudgetRecord[] }).budgets;
  }

  async deleteBudget(budgetId: string): Promise<boolean> {
    id(budgetId, 'id');
    try {
      await this.#request('DELETE', `/api/v1/budgets/${enc(budgetId)}`);
      return true;
    } catch (e) {
      if (e instanceof RemoteStoreError && e.code === 'NOT_FOUND' && e.details !== undefined) return false;
      throw e;
    }
  }

  getBudgetState(budgetId: string, periodKey: string): Promise<BudgetStateRecord | null> {
    id(budgetId, 'budgetId');
    id(periodKey, 'periodKey');
    return this.#getOrNull(`/api/v1/budgets/${enc(budgetId)}/states/${enc(periodKey)}`, (d) => d as BudgetStateRecord);
  }

  async listBudgetStates(budgetId: string, options: { limit?: number } = {}): Promise<BudgetStateRecord[]> {
    id(budgetId, 'budgetId');
    return ((await this.#request('GET', `/api/v1/budgets/${enc(budgetId)}/states${queryString({ limit: options.limit })}`)).data as { states: BudgetStateRecord[] }).states;
  }

  async putBudgetState(state: BudgetStateInput, options: PutBudgetStateOptions): Promise<BudgetStateRecord | null> {
    if (typeof state !== 'object' || state === null) invalid('state', 'an object', state);
    id(state.budgetId, 'state.budgetId');
    jsonValue(state, 'state');
    jsonValue(options, 'options');
    const body = { state, expectVersion: options.expectVersion, ...(options.alerts ? { alerts: options.alerts } : {}) };
    return ((await this.#request('POST', `/api/v1/budgets/${enc(state.budgetId)}/states`, body)).data as { state: BudgetStateRecord | null }).state;
  }

  async appendAlert(alert: BudgetAlertRecord): Promise<boolean> {
    jsonValue(alert, 'alert');
    return ((await this.#request('POST', '/api/v1/alerts', alert)).data as { appended: boolean }).appended;
  }

  async listAlerts(query: AlertQuery = {}): Promise<BudgetAlertRecord[]> {
    const deliveryState = query.deliveryState === undefined ? undefined : ([] as string[]).concat(query.deliveryState);
    const q = queryString({ budgetId: query.budgetId, deliveryState, limit: query.limit });
    return ((await this.#request('GET', `/api/v1/alerts${q}`)).data as { alerts: BudgetAlertRecord[] }).alerts;
  }

  async claimAlert(alertId: string, claim: AlertClaim): Promise<BudgetAlertRecord | null> {
    id(alertId, 'id');
    jsonValue(claim, 'claim');
    return ((await this.#request('POST', `/api/v1/alerts/${enc(alertId)}/claim`, claim)).data as { alert: BudgetAlertRecord | null }).alert;
  }

  async finishAlert(alertId: string, outcome: AlertOutcome): Promise<boolean> {
    id(alertId, 'id');
    jsonValue(outcome, 'outcome');
    return ((await this.#request('POST', `/api/v1/alerts/${enc(alertId)}/finish`, outcome)).data as { finished: boolean }).finished;
  }
}

export function openHttpStore(opts: HttpStoreOptions): HttpStore {
  return new HttpStore(opts);
}
