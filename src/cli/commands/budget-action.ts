/** The work behind `greenml budget ...` (flags in budget.ts). Each action takes its outside world as deps. */
import { setTimeout as delay } from 'node:timers/promises';
import {
  BUDGET_KINDS,
  BUDGET_PERIODS,
  GreenmlError,
  didYouMean,
  formatEnergyKwh,
  formatMassG,
  formatUsd,
  parseBudgetAmount,
  validateBudgetSpec,
  validateWebhookUrl,
  type BudgetKind,
  type BudgetNotification,
  type BudgetUnit,
  type BudgetWebhook,
} from '../../core/index.js';
import type { BudgetCheck, BudgetDetail, BudgetStatusRow, EvaluateBudgetsResult, FetchLike } from '../../app/index.js';
import type { BudgetAlertRecord, BudgetRecord, Store } from '../../store/index.js';
import { colors, printJson, printLine } from '../output.js';
import { renderTable, type Column } from '../table.js';
import type { BudgetCheckFlags, BudgetListFlags, BudgetSetFlags } from './budget.js';

/** The kind an amount's unit implies: "2kg" co2e, "10kWh" energy, "$30" or "30usd" cost; null for a bare number. */
export function kindOfAmount(text: string): BudgetKind | null {
  const t = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?\s*(wh|kwh|mwh|j|kj|mj)$/.test(t)) return 'energy';
  if (/^\d+(\.\d+)?\s*(mg|g|kg|t)(co2e?)?$/.test(t)) return 'co2e';
  if (/^\$\s*\d+(\.\d+)?$/.test(t) || /^\d+(\.\d+)?\s*usd$/.test(t)) return 'cost';
  return null;
}

/**
 * One --notify: "actual:80%", "forecasted:100%", "actual:1.5kg" (an amount with the budget's
 * unit), or "80%" (actual). The rest is checked with the whole budget (validateBudgetSpec).
 */
export function parseNotify(text: string): { type: string; threshold: number | string; thresholdType: 'percentage' | 'absolute' } {
  const m = /^\s*(?:([a-z]+)\s*:)?\s*(.+?)\s*$/i.exec(text);
  const type = (m?.[1] ?? 'actual').toLowerCase();
  const value = m?.[2] ?? '';
  if (type !== 'actual' && type !== 'forecasted') {
    throw new GreenmlError('INVALID_INPUT', `Invalid --notify "${text}": the type must be actual or forecasted.${didYouMean(type, ['actual', 'forecasted'])}`);
  }
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
  if (pct) return { type, threshold: Number(pct[1]), thresholdType: 'percentage' };
  if (/^-/.test(value)) throw new GreenmlError('INVALID_INPUT', `Invalid --notify "${text}": a threshold must be positive.`);
  if (/^\d+(\.\d+)?$/.test(value)) {
    throw new GreenmlError('INVALID_INPUT', `Invalid --notify "${text}": add % for a share of the limit (${type}:${value}%) or a unit for an amount (${type}:${value}kg, ${type}:${value}kWh, ${type}:$${value}).`);
  }
  return { type, threshold: value.replace(/^\$\s*/, '').replace(/\s*usd$/i, ''), thresholdType: 'absolute' };
}

export interface BudgetDeps {
  nowMs: number;
  fetch: FetchLike;
  sleep: (ms: number) => Promise<void>;
  openStore: (opts: { db?: string }) => Promise<Store>;
}

export async function defaultBudgetDeps(): Promise<BudgetDeps> {
  const { openCliStore } = await import('../db.js');
  return { nowMs: Date.now(), fetch: globalThis.fetch, sleep: (ms) => delay(ms), openStore: openCliStore };
}

async function withStore<T>(deps: BudgetDeps, db: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await deps.openStore(db === undefined ? {} : { db });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function formatAmount(unit: BudgetUnit, x: number | null): string {
  if (x === null) return '—';
  if (unit === 'kWh') return formatEnergyKwh(x);
  if (unit === 'kgCO2e') return `${formatMassG(x * 1000)} CO2e`;
  return formatUsd(x);
}

const threshold = (n: BudgetNotification, unit: BudgetUnit): string =>
  `${n.type} > ${n.thresholdType === 'percentage' ? `${n.threshold} %` : formatAmount(unit, n.threshold)}`;
const scopeOf = (b: BudgetRecord): string => (b.scope.project === null ? 'all projects' : `project ${b.scope.project}`);
const iso = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + 'Z');
/** Webhook URLs can carry secrets (Slack's do): show the host only. */
const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return 'webhook';
  }
};

/**
 * The spec `budget set` asks for: the flags over the existing budget's values (or defaults for a
 * new one). Flag syntax errors are thrown before the store is opened.
 */
export function specFromFlags(name: string, flags: BudgetSetFlags, existing: BudgetRecord | null): Record<string, unknown> {
  if (flags.project !== undefined && flags.global) throw new GreenmlError('INVALID_INPUT', 'Give --project or --global, not both.');
  if (flags.clearWebhooks && flags.webhook) throw new GreenmlError('INVALID_INPUT', 'Give --webhook or --clear-webhooks, not both.');
  if (!existing && flags.amount === undefined) {
    throw new GreenmlError('INVALID_INPUT', `Budget "${name}" does not exist yet: give its limit with --amount, e.g. --amount 2kg (CO2e), 10kWh or 30 (USD, with --kind cost).`);
  }
  let kind: string | undefined = flags.kind?.trim().toLowerCase();
  if (kind === undefined && flags.amount !== undefined) {
    kind = kindOfAmount(flags.amount) ?? existing?.kind;
    if (kind === undefined) {
      throw new GreenmlError('INVALID_INPUT', `--amount "${flags.amount}" has no unit: write 2kg (CO2e), 10kWh (energy) or $30 (cost), or give --kind.`);
    }
  }
  kind ??= existing?.kind;
  const notifications = flags.notify?.map(parseNotify) ?? existing?.notifications ?? [{ type: 'actual', threshold: 100, thresholdType: 'percentage' }];
  let webhooks: (BudgetWebhook | { url: string; format?: string })[] = existing?.webhooks ?? [];
  if (flags.clearWebhooks) webhooks = [];
  if (flags.webhook) webhooks = flags.webhook.map((url) => (flags.slack ? { url, format: 'slack' } : { url }));
  else if (flags.slack) webhooks = webhooks.map((w) => ({ url: w.url, format: 'slack' }));
  const project = flags.global ? null : (flags.project ?? existing?.scope.project ?? null);
  return {
    name,
    kind,
    limit: flags.amount ?? existing?.limit,
    period: flags.period?.trim().toLowerCase() ?? existing?.period ?? 'month',
    scope: { project },
    notifications,
    webhooks,
  };
}

/** What can be checked without the stored budget, so a typo never opens (or creates) a database. */
export function precheckFlags(flags: BudgetSetFlags): void {
  const problems: string[] = [];
  const attempt = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof GreenmlError)) throw e;
      problems.push(e.message);
    }
  };
  flags.notify?.forEach((n) => attempt(() => parseNotify(n)));
  const kind = flags.kind?.trim().toLowerCase();
  if (kind !== undefined && !(BUDGET_KINDS as readonly string[]).includes(kind)) problems.push(`--kind must be one of ${BUDGET_KINDS.join(', ')}, got "${flags.kind}".${didYouMean(kind, BUDGET_KINDS)}`);
  const period = flags.period?.trim().toLowerCase();
  if (period !== undefined && !(BUDGET_PERIODS as readonly string[]).includes(period)) problems.push(`--period must be one of ${BUDGET_PERIODS.join(', ')}, got "${flags.period}".${didYouMean(period, BUDGET_PERIODS)}`);
  const amountKind = (kind !== undefined && (BUDGET_KINDS as readonly string[]).includes(kind) ? kind : undefined) ?? (flags.amount === undefined ? undefined : kindOfAmount(flags.amount));
  if (flags.amount !== undefined) {
    if (/^\s*-/.test(flags.amount)) problems.push(`Invalid --amount "${flags.amount}": a limit must be greater than zero.`);
    else if (amountKind) attempt(() => parseBudgetAmount(amountKind as BudgetKind, flags.amount as string, '--amount'));
  }
  for (const url of flags.webhook ?? []) {
    const p = validateWebhookUrl(url.trim());
    if (p) problems.push(p);
  }
  if (problems.length > 0) throw new GreenmlError('INVALID_INPUT', problems.join(' '), { details: { problems } });
}

function describeBudget(b: BudgetRecord): string {
  const per = b.period === 'run' ? 'per run' : `per ${b.period}`;
  const notes = b.notifications.length === 0 ? 'no notifications' : b.notifications.map((n) => threshold(n, b.limit.unit)).join(', ');
  const hooks = b.webhooks.length === 0 ? 'no webhook' : b.webhooks.map((w) => `${hostOf(w.url)} (${w.format})`).join(', ');
  return `${b.kind}, ${formatAmount(b.limit.unit, b.limit.amount)} ${per}, ${scopeOf(b)}; notify on ${notes}; ${hooks}`;
}

export async function runBudgetSet(name: string, flags: BudgetSetFlags, deps: BudgetDeps): Promise<void> {
  precheckFlags(flags);
  const { setBudget } = await import('../../app/index.js');
  await withStore(deps, flags.db, async (store) => {
    const existing = await store.getBudget(name.trim());
    const input = specFromFlags(name.trim(), flags, existing);
    validateBudgetSpec(input);
    const { budget, created } = await setBudget({ store, input, nowMs: deps.nowMs });
    if (flags.json) return printJson({ created, budget });
    printLine(`${created ? 'Created' : 'Updated'} budget "${budget.name}": ${describeBudget(budget)}.`);
    if (budget.webhooks.length === 0) printLine(colors().dim('Alerts show in greenml budget list and show; add --webhook <url> to have them posted.'));
  });
}

const stateText = (s: 'ok' | 'alarm' | null): string => (s === null ? colors().dim('not checked') : s === 'alarm' ? colors().red('ALARM') : colors().green('ok'));

function lastAlertText(a: BudgetAlertRecord | null): string {
  if (!a) return '—';
  if (a.event === 'ok') return `${iso(a.atMs)} back to ok`;
  return `${iso(a.atMs)} ${a.notification.type} > ${a.notification.threshold}${a.notification.thresholdType === 'percentage' ? ' %' : ''} (${a.deliveryState})`;
}

export async function runBudgetList(flags: BudgetListFlags, deps: BudgetDeps): Promise<void> {
  const { listBudgetStatus } = await import('../../app/index.js');
  const rows = await withStore(deps, flags.db, (store) => listBudgetStatus({ store, nowMs: deps.nowMs, ...(flags.project === undefined ? {} : { project: flags.project }) }));
  if (flags.json) return printJson(rows);
  if (rows.length === 0) {
    printLine('No budgets yet. Create one: greenml budget set <name> --amount 2kg --period month [--project P]');
    return;
  }
  const unit = (r: BudgetStatusRow): BudgetUnit => r.budget.limit.unit;
  const cols: Column<BudgetStatusRow>[] = [
    { header: 'NAME', value: (r) => r.budget.name },
    { header: 'SCOPE', value: (r) => r.budget.scope.project ?? 'all projects' },
    { header: 'KIND', value: (r) => r.budget.kind },
    { header: 'PERIOD', value: (r) => (r.periodKey && r.budget.period !== 'run' ? `${r.budget.period} ${r.periodKey}` : r.budget.period) },
    { header: 'LIMIT', value: (r) => formatAmount(unit(r), r.budget.limit.amount), align: 'right' },
    { header: 'ACTUAL', value: (r) => formatAmount(unit(r), r.actual), align: 'right' },
    { header: 'FORECAST', value: (r) => formatAmount(unit(r), r.forecast), align: 'right' },
    { header: 'STATE', value: (r) => stateText(r.state) },
    { header: 'LAST ALERT', value: (r) => lastAlertText(r.lastAlert) },
  ];
  printLine(renderTable(rows, cols));
  printLine(colors().dim('\nACTUAL and FORECAST are read now; STATE is the last check (greenml budget check, or the end of a greenml run).'));
}

function printDetail(d: BudgetDetail): void {
  const b = d.budget;
  const u = b.limit.unit;
  printLine(`Budget "${b.name}" (${b.id})`);
  printLine(`  ${describeBudget(b)}`);
  printLine(`  created ${iso(b.createdAt)}, updated ${iso(b.updatedAt)}`);
  for (const w of b.webhooks) printLine(`  webhook ${w.url} (${w.format})`);
  printLine('');
  printLine(`Now: ${d.periodKey ?? 'no run evaluated yet'}: actual ${formatAmount(u, d.actual)}, forecast ${formatAmount(u, d.forecast)}, state ${stateText(d.state)}${d.evaluatedAt === null ? '' : ` (checked ${iso(d.evaluatedAt)})`}`);
  if (d.states.length > 0) {
    printLine('\nState by period (latest first)');
    printLine(
      renderTable(d.states, [
        { header: 'PERIOD', value: (s) => s.periodKey },
        { header: 'STATE', value: (s) => stateText(s.status) },
        { header: 'ACTUAL', value: (s) => formatAmount(u, s.actual), align: 'right' },
        { header: 'FORECAST', value: (s) => formatAmount(u, s.forecast), align: 'right' },
        { header: 'IN ALARM', value: (s) => s.alarms.join(', ') || '—' },
        { header: 'CHECKED', value: (s) => iso(s.evaluatedAt) },
      ]),
    );
  }
  printLine(d.alerts.length === 0 ? '\nNo alerts yet.' : '\nAlerts (newest first)');
  for (const a of d.alerts) {
    const change = a.event === 'alarm' ? 'OK -> ALARM' : 'ALARM -> OK';
    printLine(
      `  ${iso(a.atMs)}  ${a.periodKey}  ${threshold(a.notification, u)}  ${change}  amount ${formatAmount(u, a.amount)} (threshold ${formatAmount(u, a.thresholdAmount)}, limit ${formatAmount(u, a.limit.amount)})  budget ${a.budgetState.from ?? 'new'} -> ${a.budgetState.to}`,
    );
    if (a.event === 'alarm' && a.deliveries.length === 0) printLine('      not sent: no webhook');
    for (const dl of a.deliveries) {
      const tries = dl.attempts.map((t) => (t.status === null ? (t.error ?? 'error') : String(t.status))).join(', ') || 'not tried yet';
      printLine(`      ${hostOf(dl.url)} (${dl.format}): ${dl.delivered ? 'delivered' : a.deliveryState === 'failed' ? 'failed' : a.deliveryState}, ${dl.attempts.length} attempt(s): ${tries}`);
    }
  }
}

export async function runBudgetShow(name: string, flags: { json?: boolean; db?: string }, deps: BudgetDeps): Promise<void> {
  const { showBudget } = await import('../../app/index.js');
  const detail = await withStore(deps, flags.db, (store) => showBudget({ store, idOrName: name, nowMs: deps.nowMs }));
  if (flags.json) return printJson(detail);
  printDetail(detail);
}

export async function runBudgetRm(name: string, flags: { json?: boolean; db?: string }, deps: BudgetDeps): Promise<void> {
  const { removeBudget } = await import('../../app/index.js');
  const removed = await withStore(deps, flags.db, (store) => removeBudget({ store, idOrName: name }));
  if (flags.json) return printJson({ removed });
  printLine(`Removed budget "${removed.name}" with its state and alert history.`);
}

function printCheck(result: EvaluateBudgetsResult, budgets: Map<string, BudgetRecord>): void {
  if (result.checks.length === 0) {
    printLine('No budgets to check.');
    return;
  }
  const unitOf = (c: BudgetCheck): BudgetUnit => c.unit;
  printLine(
    renderTable(result.checks, [
      { header: 'BUDGET', value: (c) => c.budgetName },
      { header: 'PERIOD', value: (c) => c.periodKey },
      { header: 'LIMIT', value: (c) => formatAmount(unitOf(c), c.limit), align: 'right' },
      { header: 'ACTUAL', value: (c) => formatAmount(unitOf(c), c.actual), align: 'right' },
      { header: 'FORECAST', value: (c) => formatAmount(unitOf(c), c.forecast), align: 'right' },
      { header: 'STATE', value: (c) => stateText(c.state) },
    ]),
  );
  const fired = result.checks.flatMap((c) => c.alerts.filter((a) => a.event === 'alarm'));
  const ownIds = new Set(fired.map((a) => a.id));
  const resent = result.sent.filter((a) => !ownIds.has(a.id));
  if (fired.length === 0) printLine('\nNothing fired: no notification crossed its threshold since the last check.');
  for (const a of [...fired, ...resent]) {
    const u = budgets.get(a.budgetId)?.limit.unit ?? a.limit.unit;
    const sent = a.deliveries.length === 0 ? 'no webhook' : `${a.deliveries.filter((d) => d.delivered).length} of ${a.deliveries.length} webhook(s) delivered`;
    printLine(`${ownIds.has(a.id) ? 'ALERT' : 'SENT (left over)'} "${a.budgetName}" ${a.periodKey}: ${threshold(a.notification, u)}: ${formatAmount(u, a.amount)} of ${formatAmount(u, a.limit.amount)} (${sent})`);
  }
}

export async function runBudgetCheck(flags: BudgetCheckFlags, deps: BudgetDeps): Promise<void> {
  const { evaluateBudgets } = await import('../../app/index.js');
  await withStore(deps, flags.db, async (store) => {
    const result = await evaluateBudgets({
      store,
      nowMs: deps.nowMs,
      fetch: deps.fetch,
      sleep: deps.sleep,
      ...(flags.budget ? { budgetIds: flags.budget } : {}),
      ...(flags.run ? { runIds: flags.run } : {}),
    });
    if (flags.json) return printJson(result);
    const budgets = new Map((await store.listBudgets()).map((b) => [b.id, b]));
    printCheck(result, budgets);
  });
}

export const budgetSet = async (name: string, flags: BudgetSetFlags): Promise<void> => runBudgetSet(name, flags, await defaultBudgetDeps());
export const budgetList = async (flags: BudgetListFlags): Promise<void> => runBudgetList(flags, await defaultBudgetDeps());
export const budgetShow = async (name: string, flags: { json?: boolean; db?: string }): Promise<void> => runBudgetShow(name, flags, await defaultBudgetDeps());
export const budgetRm = async (name: string, flags: { json?: boolean; db?: string }): Promise<void> => runBudgetRm(name, flags, await defaultBudgetDeps());
export const budgetCheck = async (flags: BudgetCheckFlags): Promise<void> => runBudgetCheck(flags, await defaultBudgetDeps());
