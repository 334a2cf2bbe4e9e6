/**
 * Copies everything one store holds into another (`greenml db copy --from ... --to ...`), using
 * only the Store port, so any pair of adapters works, a remote server included. Every write is an
 * upsert under the same ids: a copy run twice, or resumed after a failure, duplicates nothing.
 * Budgets come with their per-period states and their alert history: a state is written when the
 * target's differs (its compare-and-set version then counts the target's own writes), an alert is
 * appended once by id, and an alert the source has since delivered (or given up on) is marked so
 * in the target too, so the target's sender does not send it again.
 * The grid-intensity cache is not copied: it is a cache, refetched on demand.
 */
import { GreenmlError, isGreenmlError } from '../core/index.js';
import { ALERT_DELIVERY_STATES, MAX_PAGE, type BudgetAlertRecord, type BudgetRecord, type BudgetStateRecord, type Store } from './store.js';

export interface CopyProgress {
  phase: 'projects' | 'runs' | 'jobs' | 'tokens' | 'budgets';
  done: number;
  /** Known for runs (counted up front); null while a phase's size is unknown. */
  total: number | null;
}

export interface CopyOptions {
  onProgress?: (progress: CopyProgress) => void;
  /** Runs read per page (default 200). */
  pageSize?: number;
}

export interface CopyReport {
  projects: number;
  runs: number;
  samples: number;
  metrics: number;
  jobs: number;
  tokens: number;
  budgets: number;
  budgetStates: number;
  alerts: number;
  /** What the copy could not promise (jobs that have not ended; history beyond what the port lists). */
  warnings: string[];
}

export async function copyStore(from: Store, to: Store, options: CopyOptions = {}): Promise<CopyReport> {
  if (from === to || (from.kind === to.kind && from.location === to.location && from.location !== ':memory:')) {
    throw new GreenmlError('INVALID_INPUT', `The source and the target are the same database (${from.location}). Choose another target.`);
  }
  const progress = options.onProgress ?? (() => undefined);
  const report: CopyReport = { projects: 0, runs: 0, samples: 0, metrics: 0, jobs: 0, tokens: 0, budgets: 0, budgetStates: 0, alerts: 0, warnings: [] };
  const runIds: string[] = [];

  const projects = await from.listProjects();
  for (const p of projects) {
    await to.ensureProject(p.name);
    report.projects++;
  }
  progress({ phase: 'projects', done: report.projects, total: projects.length });

  const total = await from.countRuns({});
  let cursor: string | null = null;
  do {
    const page = await from.listRuns({ sort: 'startedAt', order: 'asc', limit: options.pageSize ?? 200, cursor });
    for (const run of page.runs) {
      const bundle = await from.exportRunBundle(run.id);
      await to.importRunBundle(bundle);
      runIds.push(run.id);
      report.runs++;
      report.samples += bundle.samples.length;
      report.metrics += bundle.metrics.length;
    }
    progress({ phase: 'runs', done: report.runs, total });
    cursor = page.nextCursor;
  } while (cursor !== null);

  cursor = null;
  const unfinished: string[] = [];
  do {
    const page = await from.listJobs({ limit: 1000, cursor });
    for (const job of page.jobs) {
      await to.importJob(job);
      report.jobs++;
      if (job.state === 'pending' || job.state === 'running' || job.state === 'paused') unfinished.push(job.id);
    }
    progress({ phase: 'jobs', done: report.jobs, total: null });
    cursor = page.nextCursor;
  } while (cursor !== null);

  const tokens = await from.listTokens();
  for (const t of tokens) {
    await to.importToken(t);
    report.tokens++;
  }
  progress({ phase: 'tokens', done: report.tokens, total: tokens.length });

  if (unfinished.length > 0) {
    report.warnings.push(
      `${unfinished.length} job(s) had not ended in the source (${unfinished.slice(0, 5).join(', ')}${unfinished.length > 5 ? ', ...' : ''}): ` +
        'the target\'s agents may take them too. Cancel them on one side (greenml jobs cancel <id>).',
    );
  }
  const budgets = await from.listBudgets();
  for (const budget of budgets) {
    await copyBudget(from, to, budget, runIds, report);
    report.budgets++;
    progress({ phase: 'budgets', done: report.budgets, total: budgets.length });
  }
  if (budgets.length === 0) progress({ phase: 'budgets', done: 0, total: 0 });
  return report;
}

const sameState = (a: BudgetStateRecord, b: BudgetStateRecord): boolean => {
  const { version: _a, ...x } = a;
  const { version: _b, ...y } = b;
  return JSON.stringify(x) === JSON.stringify(y);
};

async function copyBudget(from: Store, to: Store, budget: BudgetRecord, runIds: readonly string[], report: CopyReport): Promise<void> {
  try {
    await to.putBudget(budget);
  } catch (e) {
    if (isGreenmlError(e) && e.code === 'CONFLICT') {
      throw new GreenmlError('CONFLICT', `The target already has another budget named "${budget.name}" (the source's is ${budget.id}). Rename or delete one of them, then copy again.`, { cause: e });
    }
    throw e;
  }

  // States: the latest MAX_PAGE by evaluation; a per-run budget may have more (one per run), found by key.
  const states = new Map((await from.listBudgetStates(budget.id, { limit: MAX_PAGE })).map((s) => [s.periodKey, s]));
  if (states.size >= MAX_PAGE) {
    if (budget.period === 'run') {
      for (const id of runIds) {
        const s = states.has(`run:${id}`) ? null : await from.getBudgetState(budget.id, `run:${id}`);
        if (s) states.set(s.periodKey, s);
      }
    } else {
      report.warnings.push(`Budget "${budget.name}": only its latest ${MAX_PAGE} period states were copied.`);
    }
  }
  for (const state of states.values()) {
    for (let attempt = 0; ; attempt++) {
      const have = await to.getBudgetState(budget.id, state.periodKey);
      if (have && sameState(have, state)) break;
      const { version: _v, ...input } = state;
      if (await to.putBudgetState(input, { expectVersion: have?.version ?? null })) break;
      // An evaluator on the target wrote the period meanwhile: read it again.
      if (attempt >= 2) {
        report.warnings.push(`Budget "${budget.name}", period ${state.periodKey}: the target kept changing it; its own state was kept.`);
        break;
      }
    }
    report.budgetStates++;
  }

  // Alerts, newest first, at most MAX_PAGE per query: by delivery state when there are more.
  let alerts = await from.listAlerts({ budgetId: budget.id, limit: MAX_PAGE });
  if (alerts.length >= MAX_PAGE) {
    const byId = new Map<string, BudgetAlertRecord>();
    for (const deliveryState of ALERT_DELIVERY_STATES) {
      const some = await from.listAlerts({ budgetId: budget.id, deliveryState, limit: MAX_PAGE });
      for (const a of some) byId.set(a.id, a);
      if (some.length >= MAX_PAGE) report.warnings.push(`Budget "${budget.name}": only the latest ${MAX_PAGE} of its ${deliveryState} alerts were copied.`);
    }
    alerts = [...byId.values()];
  }
  for (const alert of alerts.sort((a, b) => a.atMs - b.atMs)) {
    if (!(await to.appendAlert(alert))) await settleDelivery(to, alert);
    report.alerts++;
  }
}

/** The alert exists in the target: when the source has since finished delivering it, record that outcome there too. */
async function settleDelivery(to: Store, alert: BudgetAlertRecord): Promise<void> {
  if (alert.deliveryState !== 'delivered' && alert.deliveryState !== 'failed') return;
  const [there] = (await to.listAlerts({ budgetId: alert.budgetId, deliveryState: ['pending', 'sending'], limit: MAX_PAGE })).filter((a) => a.id === alert.id);
  if (!there) return;
  // Only a pending alert, or one whose sender's claim ran out, can be taken; a live sender finishes it itself.
  const claimed = await to.claimAlert(alert.id, { nowMs: Date.now(), claimMs: 60_000 });
  if (claimed) await to.finishAlert(alert.id, { deliveryState: alert.deliveryState, deliveries: alert.deliveries });
}
