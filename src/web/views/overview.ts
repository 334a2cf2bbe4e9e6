/**
 * Overview: this week, this month and all time (totals computed by the server, never by fetching
 * runs), emissions over time (every bar from one GET /totals/series), projects, equivalents,
 * budgets and the latest runs.
 */
import { equivalencesFor, formatDurationS, formatEnergyKwh, formatMassG, periodBounds, type ProjectSummary, type RunTotals } from '../../core/index.js';
import { api, mapLimit } from '../api.js';
import type { ProjectList, RunPage, TotalsSeries } from '../api-types.js';
import { COMPONENT_COLORS, MUTED, type ChartOption } from '../charts.js';
import { cmd, fill, h, link, section } from '../dom.js';
import { cost, count3, integer, shortId, when } from '../figures.js';
import { lastPeriods, type BucketUnit } from '../periods.js';
import type { Page } from '../router.js';
import { badge, empty, errorBox, figure, figures, loading, note, table } from '../ui.js';
import { budgetPanel } from './budgets.js';

const totals = (page: Page, query: Record<string, string | number | undefined>): Promise<RunTotals> => api.get<RunTotals>('/api/v1/totals', query, page.signal);

function periodFigures(period: string, t: RunTotals): HTMLElement {
  return h(
    'div',
    { class: 'period', 'data-period': period },
    figures(
      figure('Emissions', `${formatMassG(t.totalG)} CO2e`, `operational ${formatMassG(t.operationalG)} + embodied ${formatMassG(t.embodiedG)}`),
      figure('Energy', formatEnergyKwh(t.energyKwh), 'facility (IT × PUE)'),
      figure('Cost', cost(t.costUsd), t.costUsd === null ? 'no run has a price' : 'known costs'),
      figure('Runs', integer(t.runs), `${formatDurationS(t.durationS)} measured`),
    ),
  );
}

/** The same everyday equivalents the CLI prints after a run (co2e-based, at least 0.01 of a unit). */
function equivalents(t: RunTotals, label: string): HTMLElement {
  const eq = equivalencesFor(t.totalG, t.energyKwh).filter((e) => e.basis === 'co2e' && e.value >= 0.01).slice(0, 4);
  if (eq.length === 0) return note(`Nothing to compare yet for ${label}.`);
  return h(
    'ul',
    { class: 'plain equivalents' },
    eq.map((e) => h('li', null, h('strong', null, count3(e.value)), ` ${e.label} `, h('a', { class: 'source', href: e.url, rel: 'noreferrer noopener', target: '_blank' }, `(${e.source.split(',')[0]}, ${e.year})`))),
  );
}

type Metric = 'totalG' | 'energyKwh' | 'costUsd';
const METRICS: Record<Metric, string> = { totalG: 'Emissions (CO2e)', energyKwh: 'Energy', costUsd: 'Cost' };
const SPANS: Record<BucketUnit, number> = { day: 30, week: 12, month: 12 };

function timelineOption(buckets: { key: string; t: RunTotals }[], metric: Metric): ChartOption {
  const keys = buckets.map((b) => b.key);
  const series =
    metric === 'totalG'
      ? [
          { name: 'operational', type: 'bar', stack: 'g', data: buckets.map((b) => b.t.operationalG), itemStyle: { color: COMPONENT_COLORS.cpu } },
          { name: 'embodied', type: 'bar', stack: 'g', data: buckets.map((b) => b.t.embodiedG), itemStyle: { color: MUTED } },
        ]
      : [{ name: metric === 'energyKwh' ? 'energy' : 'cost', type: 'bar', data: buckets.map((b) => (metric === 'energyKwh' ? b.t.energyKwh : (b.t.costUsd ?? 0))), itemStyle: { color: COMPONENT_COLORS.cpu } }];
  const fmt = (v: number): string => (metric === 'totalG' ? formatMassG(v) : metric === 'energyKwh' ? formatEnergyKwh(v) : cost(v));
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt(v) },
    xAxis: { type: 'category', data: keys },
    yAxis: { type: 'value', name: METRICS[metric], axisLabel: { formatter: (v: number) => fmt(v) } },
    series,
  };
}

async function timeline(page: Page, panel: HTMLElement): Promise<void> {
  let unit: BucketUnit = 'day';
  let metric: Metric = 'totalG';
  const chart = page.chart({}, { label: 'emissions-over-time', height: 260 });
  const status = note('');
  const unitSel = h('select', { 'aria-label': 'Period', onchange: () => void load() }, h('option', { value: 'day' }, 'last 30 days'), h('option', { value: 'week' }, 'last 12 weeks'), h('option', { value: 'month' }, 'last 12 months'));
  const metricSel = h('select', { 'aria-label': 'Figure', onchange: () => void load() }, Object.entries(METRICS).map(([k, v]) => h('option', { value: k }, v)));
  fill(panel, h('h2', null, 'Over time'), h('div', { class: 'toolbar' }, unitSel, metricSel), chart.el, status);
  const load = async (): Promise<void> => {
    unit = unitSel.value as BucketUnit;
    metric = metricSel.value as Metric;
    const periods = lastPeriods(unit, SPANS[unit], Date.now());
    const since = periods[0]?.startMs;
    const until = periods.at(-1)?.endMs;
    try {
      const series = await api.get<TotalsSeries>('/api/v1/totals/series', { bucket: unit, since, until }, page.signal);
      chart.set(timelineOption(series.buckets.map((b) => ({ key: b.key, t: b.totals })), metric));
      status.textContent = `One bar per UTC ${unit} (runs counted in the ${unit} they started), from GET /api/v1/totals/series.`;
    } catch (e) {
      if (!page.signal.aborted) fill(status, errorBox(e));
    }
  };
  await load();
}

async function projectsPanel(page: Page, panel: HTMLElement, week: number, month: number): Promise<void> {
  const { projects } = await api.get<ProjectList>('/api/v1/projects', {}, page.signal);
  const shown = [...projects].sort((a, b) => (b.lastRunAt ?? 0) - (a.lastRunAt ?? 0)).slice(0, 50);
  const rows = await mapLimit(shown, 6, async (p) => ({
    p,
    week: await totals(page, { project: p.name, since: week }),
    month: await totals(page, { project: p.name, since: month }),
  }));
  type Row = { p: ProjectSummary; week: RunTotals; month: RunTotals };
  const runsOf = (name: string): string => `#/runs?project=${encodeURIComponent(name)}`;
  const chartRows = [...rows].sort((a, b) => b.month.totalG - a.month.totalG).slice(0, 10).reverse();
  const chart = page.chart(
    {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => formatMassG(v) },
      grid: { left: 140, right: 24, top: 30, bottom: 30 },
      xAxis: { type: 'value', name: 'CO2e', axisLabel: { formatter: (v: number) => formatMassG(v) } },
      yAxis: { type: 'category', data: chartRows.map((r) => r.p.name) },
      series: [
        { name: 'this week', type: 'bar', data: chartRows.map((r) => r.week.totalG), itemStyle: { color: COMPONENT_COLORS.gpu } },
        { name: 'this month', type: 'bar', data: chartRows.map((r) => r.month.totalG), itemStyle: { color: COMPONENT_COLORS.cpu } },
      ],
    },
    { label: 'emissions-by-project', height: Math.max(160, 40 + chartRows.length * 34) },
  );
  fill(
    panel,
    h('h2', null, 'By project'),
    rows.length === 0
      ? empty('No projects yet.')
      : [
          chart.el,
          h(
            'div',
            { class: 'table-wrap' },
            table<Row>(
              [
                { label: 'Project', cell: (r) => h('a', { href: runsOf(r.p.name) }, r.p.name) },
                { label: 'This week', numeric: true, cell: (r) => `${formatMassG(r.week.totalG)} CO2e` },
                { label: 'This month', numeric: true, cell: (r) => `${formatMassG(r.month.totalG)} CO2e` },
                { label: 'Month energy', numeric: true, cell: (r) => formatEnergyKwh(r.month.energyKwh) },
                { label: 'All time', numeric: true, cell: (r) => `${formatMassG(r.p.totalG)} CO2e` },
                { label: 'Runs', numeric: true, cell: (r) => integer(r.p.runs) },
                { label: 'Cost', numeric: true, cell: (r) => cost(r.p.costUsd) },
                { label: 'Last run (UTC)', cell: (r) => (r.p.lastRunAt === null ? '—' : when(r.p.lastRunAt)) },
              ],
              rows,
            ),
          ),
          projects.length > shown.length ? note(`The 50 most recently active of ${projects.length} projects.`) : null,
        ],
  );
}

async function recentRuns(page: Page, panel: HTMLElement): Promise<void> {
  const { runs } = await api.get<RunPage>('/api/v1/runs', { limit: 8 }, page.signal);
  fill(
    panel,
    h('h2', null, 'Latest runs'),
    table(
      [
        { label: 'Started (UTC)', cell: (r) => when(r.startedAt) },
        { label: 'Run', cell: (r) => link(`/runs/${r.id}`, r.name ?? shortId(r.id)) },
        { label: 'Project', cell: (r) => r.project },
        { label: 'Status', cell: (r) => badge(r.status) },
        { label: 'Emissions', numeric: true, cell: (r) => `${formatMassG(r.totalG)} CO2e` },
        { label: 'Energy', numeric: true, cell: (r) => formatEnergyKwh(r.energyKwh) },
      ],
      runs,
    ),
    h('p', null, link('/runs', 'All runs →')),
  );
}

/** Runs each section on its own, so one failing request shows its error without blanking the page. */
function guarded(page: Page, panel: HTMLElement, work: Promise<void>): void {
  work.catch((e: unknown) => {
    if (!page.signal.aborted) panel.append(errorBox(e));
  });
}

export async function overviewView(root: HTMLElement, page: Page): Promise<void> {
  const now = Date.now();
  const week = periodBounds('week', now);
  const month = periodBounds('month', now);
  const [tWeek, tMonth, tAll] = await Promise.all([totals(page, { since: week.startMs }), totals(page, { since: month.startMs }), totals(page, {})]);
  if (tAll.runs === 0) {
    fill(
      root,
      h('h1', null, 'Overview'),
      empty(
        h('p', null, h('strong', null, 'No runs yet.')),
        h('p', null, 'Measure any command with ', cmd('greenml run -- python train.py'), ' (or any other command); it appears here as soon as it starts.'),
        h('p', null, 'To see what a job would cost before running it, try the ', link('/plan', 'planner'), '.'),
      ),
    );
    return;
  }
  const timelinePanel = h('section', { class: 'panel' }, loading());
  const projectsEl = h('section', { class: 'panel' }, h('h2', null, 'By project'), loading());
  const budgetsEl = h('section', { class: 'panel' }, h('h2', null, 'Budgets'), loading());
  const recentEl = h('section', { class: 'panel' }, h('h2', null, 'Latest runs'), loading());
  fill(
    root,
    h('h1', null, 'Overview', h('span', { class: 'sub' }, 'weeks and months in UTC, as budgets count them')),
    h('div', { class: 'grid2' }, section(`This week (${week.key})`, periodFigures(week.key, tWeek)), section(`This month (${month.key})`, periodFigures(month.key, tMonth))),
    section('All time', periodFigures('all time', tAll), h('h3', null, `This month's ${formatMassG(tMonth.totalG)} CO2e is about as much as`), equivalents(tMonth, 'this month')),
    timelinePanel,
    projectsEl,
    budgetsEl,
    recentEl,
  );
  guarded(page, timelinePanel, timeline(page, timelinePanel));
  guarded(page, projectsEl, projectsPanel(page, projectsEl, week.startMs, month.startMs));
  guarded(page, budgetsEl, budgetPanel(page, budgetsEl, { compact: true }));
  guarded(page, recentEl, recentRuns(page, recentEl));
}
