/**
 * Budgets with where each stands (GET /budgets/status, the rows of `greenml budget list`: live
 * totals of the current period, the state stored by the last evaluation, the last alert) and the
 * latest alerts. A server without the budget routes answers 404, and the panel says where the same
 * information is (the CLI).
 */
import { formatPercent } from '../../core/index.js';
import { api, ApiError } from '../api.js';
import type { BudgetAlertRow, BudgetStatusRow } from '../api-types.js';
import { cmd, fill, h } from '../dom.js';
import { budgetAmount, when } from '../figures.js';
import type { Page } from '../router.js';
import { badge, empty, errorBox, note, table } from '../ui.js';

const notServed = (e: unknown): boolean => e instanceof ApiError && e.status === 404;

const threshold = (a: BudgetAlertRow): string =>
  `${a.notification.type} > ${a.notification.thresholdType === 'percentage' ? `${a.notification.threshold} %` : budgetAmount(a.notification.threshold, a.limit.unit)}`;

function budgetsTable(rows: BudgetStatusRow[]): HTMLElement {
  return table(
    [
      { label: 'Budget', cell: (r) => r.budget.name },
      { label: 'Scope', cell: (r) => (r.budget.scope.project === null ? 'all projects' : r.budget.scope.project) },
      { label: 'Period', cell: (r) => `${r.budget.period}${r.periodKey ? ` (${r.periodKey})` : ''}` },
      { label: 'State', cell: (r) => (r.state === null ? h('span', { title: 'Not evaluated in this period yet: greenml budget check evaluates and alerts' }, 'not checked') : badge(r.state)) },
      { label: 'Actual', numeric: true, cell: (r) => (r.actual === null ? '—' : budgetAmount(r.actual, r.budget.limit.unit)) },
      { label: 'Forecast', numeric: true, title: 'End of period at the run rate so far', cell: (r) => (r.forecast === null ? '—' : budgetAmount(r.forecast, r.budget.limit.unit)) },
      { label: 'Limit', numeric: true, cell: (r) => budgetAmount(r.budget.limit.amount, r.budget.limit.unit) },
      { label: 'Used', numeric: true, cell: (r) => (r.actual === null || r.budget.limit.amount <= 0 ? '—' : formatPercent(r.actual / r.budget.limit.amount)) },
      { label: 'Last alert (UTC)', cell: (r) => (r.lastAlert ? `${when(r.lastAlert.atMs)} ${r.lastAlert.event} (${threshold(r.lastAlert)})` : '—') },
    ],
    rows,
    { rowClass: (i) => (rows[i]?.state === 'alarm' ? 'hi' : null) },
  );
}

function alertsTable(alerts: BudgetAlertRow[]): HTMLElement {
  return table(
    [
      { label: 'When (UTC)', cell: (a) => when(a.atMs) },
      { label: 'Budget', cell: (a) => a.budgetName },
      { label: 'Event', cell: (a) => badge(a.event) },
      { label: 'Notification', cell: (a) => threshold(a) },
      { label: 'Amount', numeric: true, cell: (a) => (a.amount === null ? '—' : budgetAmount(a.amount, a.limit.unit)) },
      { label: 'Period', cell: (a) => a.periodKey },
      { label: 'Delivery', cell: (a) => a.deliveryState },
    ],
    alerts,
  );
}

export async function budgetPanel(page: Page, panel: HTMLElement, opts: { compact: boolean }): Promise<void> {
  let rows: BudgetStatusRow[];
  try {
    // The browser's clock picks the period, as the overview's week and month figures do.
    rows = (await api.get<{ budgets: BudgetStatusRow[] }>('/api/v1/budgets/status', { at: Date.now() }, page.signal)).budgets;
  } catch (e) {
    if (!notServed(e)) throw e;
    fill(panel, h('h2', null, 'Budgets'), note('This server does not serve budgets over HTTP. ', cmd('greenml budget list'), ' shows their state and last alerts.'));
    return;
  }
  const title = h('h2', null, 'Budgets');
  if (rows.length === 0) {
    fill(panel, title, empty('No budgets. Set one with ', cmd('greenml budget set monthly-co2 --amount 50kg --period month'), '.'));
    return;
  }
  const alarms = rows.filter((r) => r.state === 'alarm').length;
  fill(panel, title, alarms > 0 ? h('p', { class: 'warn' }, `${alarms} budget${alarms > 1 ? 's are' : ' is'} in alarm.`) : null, h('div', { class: 'table-wrap' }, budgetsTable(opts.compact ? rows.slice(0, 6) : rows)));
  if (opts.compact) {
    panel.append(h('p', null, h('a', { href: '#/budgets' }, 'Budgets and alerts →')));
    return;
  }
  const alertsEl = h('div', null);
  panel.append(h('h3', null, 'Last alerts'), alertsEl);
  try {
    const { alerts } = await api.get<{ alerts: BudgetAlertRow[] }>('/api/v1/alerts', { limit: 50 }, page.signal);
    fill(alertsEl, alerts.length === 0 ? note('No alert so far.') : h('div', { class: 'table-wrap' }, alertsTable(alerts)));
  } catch (e) {
    fill(alertsEl, notServed(e) ? note('This server does not serve alerts over HTTP; ', cmd('greenml budget show <name>'), ' lists them.') : errorBox(e));
  }
}

export async function budgetsView(root: HTMLElement, page: Page): Promise<void> {
  const panel = h('section', { class: 'panel' });
  fill(root, h('h1', null, 'Budgets'), panel);
  await budgetPanel(page, panel, { compact: false });
}
