/**
 * Compare runs: a model metric (accuracy, loss...) against energy, emissions or cost, with the
 * Pareto front highlighted: the runs no other run beats on both. Runs come from the runs table's
 * selection (`?ids=`) or a project's latest runs (`?project=`).
 */
import { finalMetrics, formatDurationS, formatEnergyKwh, formatMassG, formatUsd, type MetricPoint, type RunRecord } from '../../core/index.js';
import { api, mapLimit } from '../api.js';
import type { ProjectList, RunDetail, RunPage } from '../api-types.js';
import { GOOD, MUTED, type ChartOption } from '../charts.js';
import { fill, h, link } from '../dom.js';
import { cost, escapeHtml, shortId } from '../figures.js';
import { paretoFront2d } from '../pareto2d.js';
import type { Page } from '../router.js';
import { empty, errorBox, loading, note, table } from '../ui.js';

/** How many of a project's latest runs are compared (one metrics request each). */
const PROJECT_RUNS = 50;
const MAX_IDS = 200;

type Axis = 'energyKwh' | 'totalG' | 'costUsd';
const AXES: Record<Axis, { label: string; fmt: (v: number) => string }> = {
  energyKwh: { label: 'Energy', fmt: formatEnergyKwh },
  totalG: { label: 'Emissions (CO2e)', fmt: (v) => `${formatMassG(v)} CO2e` },
  costUsd: { label: 'Cost', fmt: formatUsd },
};

interface Compared {
  run: RunRecord;
  metrics: Record<string, number>;
}

const LOWER_IS_BETTER = /loss|error|err$|perplexity|ppl|mse|mae|rmse|wer|cer/i;

/** The metric a reader most likely wants first: accuracy-like keys, then anything. */
function defaultKey(keys: string[]): string | undefined {
  return keys.find((k) => /^(val[_/.-]?)?acc(uracy)?$/i.test(k)) ?? keys.find((k) => /acc|f1|auc|bleu|score/i.test(k)) ?? keys[0];
}

function option(rows: Compared[], key: string, axis: Axis, higher: boolean, front: Set<number>): ChartOption {
  const fmt = AXES[axis].fmt;
  const point = (r: Compared, i: number): object => ({ value: [r.run[axis] ?? 0, r.metrics[key] as number], name: r.run.name ?? shortId(r.run.id), id: r.run.id, i });
  const on = rows.map((r, i) => ({ r, i })).filter(({ i }) => front.has(i));
  on.sort((a, b) => (a.r.run[axis] ?? 0) - (b.r.run[axis] ?? 0));
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { name: string; value: [number, number] } }) => `${escapeHtml(p.data.name)}<br/>${escapeHtml(key)}: ${Number(p.data.value[1].toPrecision(4))}<br/>${fmt(p.data.value[0])}`,
    },
    xAxis: { type: 'value', name: AXES[axis].label, scale: true, axisLabel: { formatter: fmt } },
    yAxis: { type: 'value', name: `${key} (${higher ? 'higher' : 'lower'} is better)`, scale: true },
    series: [
      { name: 'runs', type: 'scatter', symbolSize: 9, itemStyle: { color: MUTED }, data: rows.map((r, i) => ({ r, i })).filter(({ i }) => !front.has(i)).map(({ r, i }) => point(r, i)) },
      { name: 'Pareto front', type: 'line', step: 'end', symbolSize: 11, itemStyle: { color: GOOD }, lineStyle: { color: GOOD, width: 2 }, data: on.map(({ r, i }) => point(r, i)) },
    ],
  };
}

async function loadRuns(page: Page): Promise<{ rows: Compared[]; from: string } | null> {
  const ids = (page.query.get('ids') ?? '').split(',').filter(Boolean).slice(0, MAX_IDS);
  if (ids.length > 0) {
    const rows = await mapLimit(ids, 6, async (id) => {
      const d = await api.get<RunDetail>(`/api/v1/runs/${encodeURIComponent(id)}`, { samples: false }, page.signal);
      return { run: d.run, metrics: finalMetrics(d.metrics ?? []) };
    });
    return { rows, from: `${rows.length} selected runs` };
  }
  const project = page.query.get('project');
  if (!project) return null;
  const res = await api.get<RunPage>('/api/v1/runs', { project, status: 'succeeded', limit: PROJECT_RUNS }, page.signal);
  const rows = await mapLimit(res.runs, 6, async (run) => ({
    run,
    metrics: finalMetrics((await api.get<{ metrics: MetricPoint[] }>(`/api/v1/runs/${run.id}/metrics`, {}, page.signal)).metrics),
  }));
  return { rows, from: `the latest ${rows.length} succeeded runs of ${project}` };
}

export async function compareView(root: HTMLElement, page: Page): Promise<void> {
  const { projects } = await api.get<ProjectList>('/api/v1/projects', {}, page.signal);
  const projectSel = h(
    'select',
    { 'aria-label': 'Project', onchange: () => page.navigate('/compare', { project: projectSel.value }) },
    h('option', { value: '' }, 'pick a project…'),
    projects.map((p) => h('option', { value: p.name }, p.name)),
  );
  projectSel.value = page.query.get('project') ?? '';
  const body = h('div', null, loading('Reading the runs and their metrics…'));
  fill(root, h('h1', null, 'Compare runs'), h('div', { class: 'toolbar' }, 'Compare the latest runs of ', projectSel, ' or select runs in the ', link('/runs', 'runs table'), '.'), body);

  const source = await loadRuns(page);
  if (!source) {
    fill(body, empty('Pick a project above, or select two or more runs in the runs table and press "Compare selected".'));
    return;
  }
  const rows = source.rows;
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
  const first = defaultKey(keys);
  if (first === undefined) {
    fill(body, empty(`None of ${source.from} logged a metric, so there is nothing to set against energy. A workload logs metrics by appending JSON lines to $GREENML_METRICS_FILE.`));
    return;
  }

  const keySel = h('select', { 'aria-label': 'Metric' }, keys.map((k) => h('option', { value: k }, k)));
  keySel.value = first;
  const axisSel = h('select', { 'aria-label': 'Against' }, Object.entries(AXES).map(([k, v]) => h('option', { value: k }, v.label)));
  const higherBox = h('input', { type: 'checkbox', checked: !LOWER_IS_BETTER.test(first) });
  const chart = page.chart({}, { label: 'compare', height: 380 });
  const tableEl = h('div', { class: 'table-wrap' });
  const summary = note('');
  chart.onClick((p) => {
    const id = (p.data as { id?: string } | undefined)?.id;
    if (id) page.navigate(`/runs/${id}`);
  });

  const draw = (): void => {
    const key = keySel.value;
    const axis = axisSel.value as Axis;
    const higher = higherBox.checked;
    const withMetric = rows.filter((r) => Number.isFinite(r.metrics[key]) && (axis !== 'costUsd' || r.run.costUsd !== null));
    const frontIdx = paretoFront2d(withMetric.map((r) => ({ cost: r.run[axis] ?? 0, score: r.metrics[key] as number })), higher);
    const front = new Set(frontIdx);
    chart.set(option(withMetric, key, axis, higher, front));
    const left = rows.length - withMetric.length;
    summary.textContent = `${withMetric.length} runs with ${key}${left > 0 ? ` (${left} without it${axis === 'costUsd' ? ' or without a cost' : ''} left out)` : ''}; ${front.size} on the Pareto front (green): no other run has a better ${key} for less ${axis === 'totalG' ? 'emissions' : axis === 'energyKwh' ? 'energy' : 'cost'}. Click a point to open its run.`;
    const sorted = withMetric.map((r, i) => ({ r, on: front.has(i) })).sort((a, b) => (a.r.run[axis] ?? 0) - (b.r.run[axis] ?? 0));
    fill(
      tableEl,
      table(
        [
          { label: 'Run', cell: (x) => link(`/runs/${x.r.run.id}`, x.r.run.name ?? shortId(x.r.run.id)) },
          { label: key, numeric: true, cell: (x) => String(Number((x.r.metrics[key] as number).toPrecision(4))) },
          { label: 'Energy', numeric: true, cell: (x) => formatEnergyKwh(x.r.run.energyKwh) },
          { label: 'Emissions', numeric: true, cell: (x) => `${formatMassG(x.r.run.totalG)} CO2e` },
          { label: 'Cost', numeric: true, cell: (x) => cost(x.r.run.costUsd) },
          { label: 'Duration', numeric: true, cell: (x) => formatDurationS(x.r.run.durationS) },
          { label: 'Pareto', cell: (x) => (x.on ? '✓ on the front' : '') },
          { label: 'Params', cell: (x) => h('span', { class: 'mono' }, Object.entries(x.r.run.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')) },
        ],
        sorted,
        { rowClass: (i) => (sorted[i]?.on ? 'hi' : null) },
      ),
    );
  };
  keySel.addEventListener('change', () => {
    higherBox.checked = !LOWER_IS_BETTER.test(keySel.value);
    draw();
  });
  axisSel.addEventListener('change', draw);
  higherBox.addEventListener('change', draw);
  fill(
    body,
    note(`Comparing ${source.from}; each run's metric is its final value (highest step), as in greenml runs compare.`),
    h('div', { class: 'toolbar' }, h('label', null, 'Metric', keySel), h('label', null, 'Against', axisSel), h('label', { class: 'check' }, higherBox, 'higher is better')),
    h('section', { class: 'panel' }, chart.el, summary),
    h('section', { class: 'panel' }, tableEl),
  );
  try {
    draw();
  } catch (e) {
    body.append(errorBox(e));
  }
}
