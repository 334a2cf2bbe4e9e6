/**
 * Plan before spending: the form of `greenml plan`, then cost against emissions for every feasible
 * option with the Pareto front (cost, carbon, time) highlighted, the recommendation per goal, the
 * options table and the assumptions with their sources.
 */
import { GOALS, PRECISIONS, formatDurationS, formatEnergyKwh, formatMassG, formatUsd, type PlanOption, type PlanResult } from '../../core/index.js';
import { api } from '../api.js';
import type { CatalogAccelerator } from '../api-types.js';
import { GOOD, MUTED, type ChartOption } from '../charts.js';
import { fill, h } from '../dom.js';
import { escapeHtml, integer } from '../figures.js';
import { paretoFront2d } from '../pareto2d.js';
import { planRequestFrom, type PlanFields } from '../plan-request.js';
import type { Page } from '../router.js';
import { errorBox, loading, note, table } from '../ui.js';

const PROVIDERS = ['aws', 'gcp', 'azure'];
const PRICING = ['on-demand', 'spot', 'reserved-1y'];
const TABLE_STEP = 50;
/** Beyond this many points ECharts draws the scatter in its progressive "large" mode. */
const LARGE = 2000;

const optionLabel = (o: PlanOption): string => `${o.offer.instanceType} @ ${o.offer.provider}:${o.offer.region} (${o.offer.pricing})`;
const hardware = (o: PlanOption): string => (o.offer.accelerator ? `${o.offer.accelerator.count} × ${o.offer.accelerator.name}` : `${o.offer.vcpus} vCPU`);

function chartOption(result: PlanResult): ChartOption {
  const pareto = new Set(result.paretoIds);
  const point = (o: PlanOption): object => ({ value: [o.costUsd, o.totalG, o.durationS], name: optionLabel(o), id: o.id });
  const others = result.options.filter((o) => !pareto.has(o.id));
  const front = result.options.filter((o) => pareto.has(o.id));
  // The front is over three objectives; on this plane only the cost-carbon trade-off is a line.
  const plane = paretoFront2d(result.options.map((o) => ({ cost: o.costUsd, score: o.totalG })), false).map((i) => result.options[i] as PlanOption);
  const recommended = result.recommendations.map((r) => ({ ...(point(r.option) as object), goal: r.goal }));
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { name: string; value: [number, number, number]; goal?: string } }) =>
        `${p.data.goal ? `<b>best for ${escapeHtml(p.data.goal)}</b><br/>` : ''}${escapeHtml(p.data.name)}<br/>cost ${formatUsd(p.data.value[0])}<br/>${formatMassG(p.data.value[1])} CO2e<br/>${formatDurationS(p.data.value[2])}`,
    },
    legend: { top: 4, data: ['options', 'Pareto front', 'cost–carbon frontier', 'current choice', 'recommended'] },
    xAxis: { type: 'log', name: 'cost (log scale)', nameLocation: 'middle', nameGap: 26, axisLabel: { formatter: (v: number) => formatUsd(v) } },
    yAxis: { type: 'log', name: 'emissions, CO2e (log scale)', axisLabel: { formatter: (v: number) => formatMassG(v) } },
    grid: { left: 80, right: 24, top: 40, bottom: 48 },
    series: [
      { name: 'options', type: 'scatter', symbolSize: 6, large: others.length > LARGE, itemStyle: { color: MUTED, opacity: 0.6 }, data: others.map(point) },
      { name: 'Pareto front', type: 'scatter', symbolSize: 10, itemStyle: { color: GOOD }, data: front.map(point), z: 3 },
      { name: 'cost–carbon frontier', type: 'line', step: 'end', showSymbol: false, lineStyle: { color: GOOD, width: 1.5, type: 'dashed' }, itemStyle: { color: GOOD }, data: plane.map(point), z: 2 },
      { name: 'current choice', type: 'scatter', symbol: 'diamond', symbolSize: 14, itemStyle: { color: '#dc2626' }, data: [point(result.current.option)], z: 4 },
      { name: 'recommended', type: 'scatter', symbol: 'pin', symbolSize: 22, itemStyle: { color: '#2563eb' }, data: recommended, z: 5 },
    ],
  };
}

function resultView(page: Page, result: PlanResult): HTMLElement {
  const chart = page.chart(chartOption(result), { label: 'plan', height: 420 });
  const pareto = new Set(result.paretoIds);
  let shown = TABLE_STEP;
  const tableEl = h('div', { class: 'table-wrap' });
  const more = h('button', { type: 'button', onclick: () => ((shown += TABLE_STEP), drawTable()) }, 'Show more');
  const drawTable = (): void => {
    const rows = result.options.slice(0, shown);
    fill(
      tableEl,
      table(
        [
          { label: '#', numeric: true, cell: (o) => String(result.options.indexOf(o) + 1) },
          { label: 'Option', cell: (o) => h('span', { class: 'mono', title: o.id }, optionLabel(o)) },
          { label: 'Hardware', cell: hardware },
          { label: 'Time', numeric: true, cell: (o) => formatDurationS(o.durationS) },
          { label: 'Energy', numeric: true, cell: (o) => formatEnergyKwh(o.energyKwh) },
          { label: 'Emissions', numeric: true, cell: (o) => `${formatMassG(o.totalG)} CO2e`, title: 'operational + embodied' },
          { label: 'Cost', numeric: true, cell: (o) => formatUsd(o.costUsd) },
          { label: 'Intensity', numeric: true, cell: (o) => `${o.offer.intensity.value} ${o.offer.intensity.unit}`, title: 'Grid intensity of the region (annual average)' },
          { label: 'Pareto', cell: (o) => (pareto.has(o.id) ? '✓' : '') },
          { label: 'Notes', cell: (o) => (o.notes.length ? h('span', { title: o.notes.join('\n') }, `${o.notes.length} note${o.notes.length > 1 ? 's' : ''}`) : '') },
        ],
        rows,
        { rowClass: (i) => (pareto.has(rows[i]?.id ?? '') ? 'hi' : null), caption: `Feasible options, best first for ${result.optimize}` },
      ),
    );
    more.hidden = shown >= result.options.length;
  };
  drawTable();
  const cur = result.current;
  return h(
    'div',
    { 'data-testid': 'plan-result' },
    h(
      'section',
      { class: 'panel' },
      h('h2', null, `${result.workload.label}: recommendations`),
      h('ul', { class: 'plain recommendations' }, result.recommendations.map((r) => h('li', null, r.sentence))),
      note(`Baseline: ${optionLabel(cur.option)}: ${cur.rule}${cur.excludedBy ? ` (excluded by the ${cur.excludedBy} constraint, still the baseline)` : ''}.`),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', null, 'Cost against emissions'),
      chart.el,
      note(
        `${integer(result.options.length)} feasible options of ${integer(result.evaluated)} evaluated; ${result.paretoIds.length} on the Pareto front (green): no other option is at least as cheap, as low-carbon and as fast. The dashed line joins the options no other beats on cost and carbon alone (time aside). Both axes are logarithmic.`,
      ),
      note('Options left after each constraint: ', result.remaining.map((r) => `${r.stage} ${integer(r.count)}`).join(' → '), '.'),
    ),
    h('section', { class: 'panel' }, tableEl, more),
    h(
      'section',
      { class: 'panel' },
      h('h2', null, 'Assumptions'),
      table(
        [
          { label: 'Assumption', cell: (a) => a.text },
          { label: 'Value', numeric: true, cell: (a) => (a.value === undefined ? '' : `${a.value}${a.unit ? ` ${a.unit}` : ''}`) },
          { label: 'Source', cell: (a) => h('span', { class: 'source' }, `${a.source}${a.year ? `, ${a.year}` : ''}`) },
        ],
        result.assumptions,
      ),
    ),
  );
}

const field = (label: string, input: HTMLElement, hint?: string): HTMLElement => h('label', { title: hint }, label, input);
const text = (name: string, placeholder: string, value = ''): HTMLInputElement => h('input', { name, placeholder, value, autocomplete: 'off' });
const checks = (legend: string, name: string, values: string[]): HTMLElement =>
  h('fieldset', null, h('legend', null, legend), values.map((v) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name, value: v }), v)));

export async function planView(root: HTMLElement, page: Page): Promise<void> {
  const kind = h(
    'select',
    { name: 'kind' },
    h('option', { value: 'training' }, 'transformer training (parameters × tokens)'),
    h('option', { value: 'accelerator-hours' }, 'accelerator-hours on a given GPU'),
    h('option', { value: 'run' }, 'a measured run'),
  );
  const accelerators = h('datalist', { id: 'accelerators' });
  const onInput = (name: string): HTMLInputElement => h('input', { name, placeholder: 'a100-80gb', list: 'accelerators', autocomplete: 'off' });
  const precision = h('select', { name: 'precision' }, h('option', { value: '' }, 'default (bf16)'), PRECISIONS.map((p) => h('option', { value: p }, p)));
  const optimize = h('select', { name: 'optimize' }, h('option', { value: '' }, 'default'), GOALS.map((g) => h('option', { value: g }, g)));
  const trainingFields = h('div', { class: 'kind-fields', 'data-kind': 'training' }, field('Parameters', text('params', '7B', page.query.get('params') ?? '')), field('Training tokens', text('tokens', '1T', page.query.get('tokens') ?? '')), field('MFU (0-1)', text('mfu', '0.4')));
  const hoursFields = h('div', { class: 'kind-fields', 'data-kind': 'accelerator-hours' }, field('Accelerator-hours', text('hours', '120')), field('On', onInput('on')));
  const runFields = h('div', { class: 'kind-fields', 'data-kind': 'run' }, field('Run id', text('runId', '01J… (6+ characters)')), field('On (if the run does not say)', onInput('runOn')));
  const showKind = (): void => {
    for (const el of [trainingFields, hoursFields, runFields]) el.hidden = el.dataset.kind !== kind.value;
  };
  kind.addEventListener('change', showKind);
  const out = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Plan');
  const form = h(
    'form',
    { class: 'panel', 'aria-label': 'Plan a workload' },
    h('div', { class: 'stack' }, field('Workload', kind), trainingFields, hoursFields, runFields, field('Precision', precision), field('Optimise for', optimize)),
    h('h3', null, 'Constraints (optional)'),
    h(
      'div',
      { class: 'stack' },
      checks('Providers', 'providers', PROVIDERS),
      checks('Pricing', 'pricing', PRICING),
      field('Regions', text('regions', 'us-east-1, gcp:europe-west4'), 'Region ids, with or without the provider'),
      field('Min GPU memory (GB)', text('minGpuMemoryGb', '80')),
      field('Deadline', text('deadline', '48h'), 'A duration: 90m, 48h, 7d'),
      field('Budget (USD)', text('budgetUsd', '5000')),
      field('Nodes', text('nodes', '1')),
      field('Current choice', text('current', 'p4d.24xlarge@us-east-1:on-demand'), '<instance>@<region>[:<pricing>]: the baseline of the recommendations'),
    ),
    h('div', { class: 'toolbar' }, submit),
    accelerators,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const get = (k: string): string => String(data.get(k) ?? '');
    const fields: PlanFields = {
      kind: kind.value as PlanFields['kind'],
      params: get('params'),
      tokens: get('tokens'),
      mfu: get('mfu'),
      hours: get('hours'),
      on: kind.value === 'run' ? get('runOn') : get('on'),
      runId: get('runId'),
      precision: get('precision'),
      optimize: get('optimize'),
      providers: data.getAll('providers').map(String),
      pricing: data.getAll('pricing').map(String),
      regions: get('regions'),
      minGpuMemoryGb: get('minGpuMemoryGb'),
      deadline: get('deadline'),
      budgetUsd: get('budgetUsd'),
      current: get('current'),
      nodes: get('nodes'),
    };
    let body: Record<string, unknown>;
    try {
      body = planRequestFrom(fields);
    } catch (e) {
      fill(out, errorBox(e));
      return;
    }
    submit.disabled = true;
    fill(out, loading('Evaluating every instance × region × pricing…'));
    api
      .post<PlanResult>('/api/v1/plan', body, page.signal)
      .then((result) => fill(out, resultView(page, result)))
      .catch((e: unknown) => {
        if (!page.signal.aborted) fill(out, errorBox(e));
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  showKind();
  fill(
    root,
    h('h1', null, 'Plan'),
    note('Which accelerator, instance, region and pricing is cheapest, greenest or fastest for this work, before you spend. Same model as ', h('code', null, 'greenml plan'), ' (docs/planning.md).'),
    form,
    out,
  );
  // Accelerator ids for the "On" field; the form works without them.
  api
    .get<{ accelerators: CatalogAccelerator[] }>('/api/v1/catalog/accelerators', {}, page.signal)
    .then((res) => fill(accelerators, res.accelerators.map((a) => h('option', { value: a.id }, `${a.name}${a.memoryGb ? ` (${a.memoryGb} GB)` : ''}`))))
    .catch(() => undefined);
}
