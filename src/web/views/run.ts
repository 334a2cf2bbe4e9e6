/**
 * One run: its figures, power by component, cumulative energy and emissions, the grid intensity it
 * ran under and its metrics on one shared time axis, then where every figure comes from (method
 * and model per component, PUE and intensity with source and year, embodied shares, cost basis).
 */
import {
  formatDurationS,
  formatEnergyKwh,
  formatMassG,
  formatPowerW,
  formatUsd,
  type Footprint,
  type IntensityPoint,
  type RunRecord,
} from '../../core/index.js';
import { api } from '../api.js';
import type { CatalogRegion, IntensityResponse, RunDetail } from '../api-types.js';
import { COMPONENT_COLORS, GOOD, MUTED, type ChartOption } from '../charts.js';
import { cmd, fill, h, link, section } from '../dom.js';
import { cost, formatIntensity, num, when } from '../figures.js';
import type { Page } from '../router.js';
import { intensityOf, intensitySteps, metricSeries, runSeries, type ChartComponent, type Point } from '../run-series.js';
import { badge, citation, empty, facts, figure, figures, note, table } from '../ui.js';

/** Enough points for a chart a screen wide; the server spreads them evenly, first and last kept. */
const MAX_POINTS = 600;
const MAX_METRIC_CHARTS = 8;
const LABEL: Record<ChartComponent, string> = { cpu: 'CPU', gpu: 'GPU', memory: 'memory' };

function timeChart(range: [number, number], yName: string, fmt: (v: number) => string, series: object[]): ChartOption {
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null || v === undefined ? '—' : fmt(v)) },
    xAxis: { type: 'time', min: range[0], max: range[1] },
    yAxis: { type: 'value', name: yName, axisLabel: { formatter: fmt } },
    series,
  };
}

const line = (name: string, data: Point[] | [number, number][], color?: string, extra: object = {}): object => ({
  name,
  type: 'line',
  showSymbol: data.length < 40,
  connectNulls: false,
  data,
  ...(color ? { itemStyle: { color }, lineStyle: { color } } : {}),
  ...extra,
});

/**
 * The zone the run's series was read for: the footprint names it. Runs recorded before greenml
 * kept it are looked up by the zones their series may be stored under, in turn: the region's
 * Electricity Maps zone (what live sources use), the country, the region itself.
 */
async function zonesOf(page: Page, run: RunRecord): Promise<string[]> {
  const recorded = run.footprint?.intensityZone;
  if (recorded) return [recorded];
  const zones: string[] = [];
  const region = run.location?.region;
  if (region?.includes(':')) {
    try {
      const { regions } = await api.get<{ regions: CatalogRegion[] }>('/api/v1/catalog/regions', { provider: region.split(':')[0] }, page.signal);
      const zone = regions.find((r) => r.id === region)?.electricityMapsZone;
      if (zone) zones.push(zone);
    } catch {
      // Not a catalog region: the country and the region name are still worth a try.
    }
  }
  if (run.location?.country) zones.push(run.location.country);
  if (region) zones.push(region);
  return [...new Set(zones)];
}

/** Where the grid intensity of the run comes from: the series over the run when the server has one. */
async function intensityDuring(page: Page, run: RunRecord): Promise<{ points: IntensityPoint[] | null; why: string }> {
  const f = run.footprint;
  if (!f || f.intensityResolution !== 'time-resolved') {
    return { points: null, why: f ? `${f.intensityResolution === 'user' ? 'An intensity you gave' : 'An annual average'} was applied to the whole run.` : 'No intensity has been applied yet.' };
  }
  const zones = await zonesOf(page, run);
  if (zones.length === 0) return { points: null, why: 'The run has no location to look the series up by.' };
  const toMs = run.endedAt ?? run.heartbeatAt;
  const failures: string[] = [];
  for (const zone of zones) {
    try {
      const res = await api.get<IntensityResponse>(`/api/v1/intensity/${encodeURIComponent(zone)}`, { fromMs: run.startedAt - 3_600_000, toMs: toMs + 3_600_000 }, page.signal);
      if (res.series.points.length > 0) return { points: res.series.points, why: `${res.series.source} (${res.series.signal}, ${res.series.kind}) for ${zone}.` };
      failures.push(`${zone}: no points`);
    } catch (e) {
      if (page.signal.aborted) throw e;
      failures.push(`${zone}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { points: null, why: `The series the run was charged at could not be read again (${failures.join('; ')}); the mean it was charged at is shown.` };
}

function charts(page: Page, run: RunRecord, detail: RunDetail, intensity: { points: IntensityPoint[] | null; why: string }): HTMLElement {
  const samples = detail.samples ?? [];
  const metrics = detail.metrics ?? [];
  if (samples.length === 0) {
    return section('Over the run', empty(run.status === 'running' ? 'No samples yet: the first arrive after a few seconds. Reload to see them.' : 'This run has no samples (it was recorded without a meter, or they were removed).'));
  }
  const s = runSeries(run, samples, intensity.points);
  const first = samples[0]?.t ?? run.startedAt;
  const range: [number, number] = [Math.min(run.startedAt, first - (samples[0]?.dtS ?? 0) * 1000), Math.max(run.endedAt ?? 0, samples.at(-1)?.t ?? run.startedAt)];
  const group = `run-${run.id}`;
  const comps = (Object.keys(s.powerW) as ChartComponent[]).filter((c) => s.powerW[c]);

  const power = page.chart(
    timeChart(range, 'power', formatPowerW, comps.map((c) => line(`${LABEL[c]} power`, s.powerW[c] as Point[], COMPONENT_COLORS[c]))),
    { label: 'power', group, height: 260 },
  );
  const energy = page.chart(
    timeChart(range, 'energy', formatEnergyKwh, [
      ...comps.map((c) => line(`${LABEL[c]} (IT)`, s.itKwh[c] as Point[], COMPONENT_COLORS[c], { stack: 'it', areaStyle: { opacity: 0.25 } })),
      line(`facility (IT × PUE ${num(s.pue)})`, s.facilityKwh, GOOD, { lineStyle: { type: 'dashed', color: GOOD } }),
    ]),
    { label: 'energy', group, height: 240 },
  );
  const parts: HTMLElement[] = [
    h('h3', null, 'Power by component'),
    power.el,
    note(`Mean power over each sampling interval as the meter recorded it; ${samples.length} of the run's samples, spread evenly over the run.`),
    h('h3', null, 'Cumulative energy'),
    energy.el,
  ];
  if (s.operationalG) {
    const emissions = page.chart(timeChart(range, 'CO2e', formatMassG, [line('operational emissions', s.operationalG, COMPONENT_COLORS.gpu, { areaStyle: { opacity: 0.2 } })]), { label: 'emissions', group, height: 220 });
    parts.push(
      h('h3', null, 'Cumulative operational emissions'),
      emissions.el,
      note(intensity.points ? 'Facility energy of each interval × the grid intensity of its time.' : 'Facility energy × the mean intensity applied to the run.', ' Embodied emissions are charged for the run as a whole (below).'),
    );
  }
  const mean = intensityOf(run);
  const intensitySeries: object[] = [];
  if (intensity.points) intensitySeries.push(line('grid intensity', intensitySteps(intensity.points), COMPONENT_COLORS.memory, { showSymbol: false }));
  if (mean !== null) intensitySeries.push(line(`applied mean (${formatIntensity(mean)})`, [[range[0], mean], [range[1], mean]], MUTED, { showSymbol: false, lineStyle: { type: 'dotted', color: MUTED } }));
  if (intensitySeries.length > 0) {
    const opt = timeChart(range, 'gCO2e/kWh', (v) => num(v), intensitySeries);
    const ich = page.chart({ ...opt, yAxis: { type: 'value', name: 'gCO2e/kWh', scale: true } }, { label: 'intensity', group, height: 200 });
    parts.push(h('h3', null, 'Grid intensity during the run'), ich.el, note(intensity.why));
  }
  const bykey = metricSeries(metrics);
  if (bykey.size > 0) {
    parts.push(h('h3', null, 'Metrics'));
    let i = 0;
    for (const [key, points] of bykey) {
      if (i++ >= MAX_METRIC_CHARTS) break;
      const m = page.chart(timeChart(range, key, (v) => String(Number(v.toPrecision(4))), [line(key, points, undefined, { showSymbol: points.length < 40 })]), { label: `metric:${key}`, group, height: 170 });
      parts.push(m.el);
    }
    if (bykey.size > MAX_METRIC_CHARTS) parts.push(note(`${bykey.size - MAX_METRIC_CHARTS} more metrics not drawn: ${[...bykey.keys()].slice(MAX_METRIC_CHARTS).join(', ')}.`));
  } else {
    parts.push(note('No metrics logged. A workload logs them by appending JSON lines ({"key":"loss","value":0.31,"step":120}) to the file named by $GREENML_METRICS_FILE.'));
  }
  parts.push(note('All charts share the time axis (UTC): hovering one shows the same instant in the others.'));
  return section('Over the run', parts);
}

function audit(f: Footprint): HTMLElement {
  return section(
    'Where every figure comes from',
    table(
      [
        { label: 'Component', cell: (c) => c.component },
        { label: 'IT energy', numeric: true, cell: (c) => formatEnergyKwh(c.energyKwh) },
        { label: 'Method', cell: (c) => badge(c.method, 'method') },
        { label: 'Sampler or model', cell: (c) => [h('span', null, c.model), c.detail ? h('div', { class: 'source' }, c.detail) : null] },
      ],
      f.components,
      { caption: 'Energy by component, before PUE' },
    ),
    facts([
      ['IT energy', formatEnergyKwh(f.itEnergyKwh)],
      ['PUE', [`${num(f.pue.value)} `, citation(f.pue)]],
      ['Facility energy', `${formatEnergyKwh(f.energyKwh)} (IT × PUE)`],
      ['Grid intensity', [`${num(f.intensity.value)} ${f.intensity.unit} (${f.intensityResolution}) `, citation(f.intensity)]],
      ['Operational', `${formatMassG(f.operationalG)} CO2e (facility energy × intensity)`],
      ['Embodied', `${formatMassG(f.embodiedG)} CO2e`],
      ['Total', `${formatMassG(f.totalG)} CO2e`],
      [
        'Cost',
        f.cost
          ? [
              `${formatUsd(f.cost.usd)} (${f.cost.basis}${f.cost.priceUsdPerHour !== undefined ? ` at ${formatUsd(f.cost.priceUsdPerHour)}/h` : f.cost.priceUsdPerKwh !== undefined ? ` at ${formatUsd(f.cost.priceUsdPerKwh)}/kWh` : ''}) `,
              h('span', { class: 'source' }, f.cost.source),
            ]
          : 'no price known for this machine',
      ],
    ]),
    f.embodied.length > 0
      ? table(
          [
            { label: 'Embodied item', cell: (e) => e.item },
            { label: 'Total', numeric: true, cell: (e) => `${formatMassG(e.totalG)} CO2e` },
            { label: 'Lifetime', numeric: true, cell: (e) => `${num(e.lifetimeS / 31_536_000)} y` },
            { label: 'Reserved', numeric: true, cell: (e) => `${num(e.reservedShare * 100)}%` },
            { label: 'Charged', numeric: true, cell: (e) => `${formatMassG(e.shareG)} CO2e` },
            { label: 'Source', cell: (e) => h('span', { class: 'source' }, e.source) },
          ],
          f.embodied,
          { caption: `Embodied share (SCI M = TE × time used / lifetime × share reserved)` },
        )
      : null,
    f.notes.map((n) => h('p', { class: 'warn' }, `note: ${n}`)),
  );
}

function headline(run: RunRecord): HTMLElement {
  const f = run.footprint;
  const mean = intensityOf(run);
  return figures(
    figure('Emissions', `${formatMassG(run.totalG)} CO2e`, `operational ${formatMassG(run.operationalG)} + embodied ${formatMassG(run.embodiedG)}`),
    figure('Energy', formatEnergyKwh(run.energyKwh), f ? `IT ${formatEnergyKwh(f.itEnergyKwh)} × PUE ${num(f.pue.value)}` : `CPU ${formatEnergyKwh(run.cpuKwh)}, GPU ${formatEnergyKwh(run.gpuKwh)}, memory ${formatEnergyKwh(run.memoryKwh)}`),
    figure('Cost', cost(run.costUsd), f?.cost ? f.cost.basis : 'no price known'),
    figure('Duration', formatDurationS(run.durationS), run.endedAt ? `ended ${when(run.endedAt)} UTC` : 'still running'),
    figure('Intensity', mean === null ? '—' : formatIntensity(mean), f ? f.intensityResolution : run.location?.label ?? 'no location'),
  );
}

function about(run: RunRecord): HTMLElement {
  const params = Object.entries(run.params);
  const tags = Object.entries(run.tags);
  return h(
    'div',
    { class: 'grid2' },
    section(
      'Run',
      facts([
        ['Command', cmd(run.command.join(' ') || '(none)')],
        ['Directory', run.cwd ?? '—'],
        ['Project', h('a', { href: `#/runs?project=${encodeURIComponent(run.project)}` }, run.project)],
        ['Host', run.host],
        ['Location', run.location?.label ?? 'not given (world average)'],
        ['Instance', run.instance ?? '—'],
        ['Started (UTC)', when(run.startedAt)],
        ['Ended (UTC)', run.endedAt ? when(run.endedAt) : '—'],
        ['Exit', run.exitCode === null ? (run.signal ?? '—') : String(run.exitCode)],
        ...(run.statusReason ? ([['Why', run.statusReason]] as [string, string][]) : []),
        ...(run.jobId ? ([['Scheduled job', h('span', { class: 'mono' }, run.jobId)]] as [string, HTMLElement][]) : []),
        ['Id', h('span', { class: 'mono' }, run.id)],
      ]),
    ),
    section(
      'Parameters and tags',
      params.length === 0 && tags.length === 0
        ? note('None logged. Tag a run with greenml run --tag key=value; a workload logs parameters through its metrics file.')
        : table(
            [
              { label: 'Name', cell: (r: [string, unknown, string]) => h('span', { class: 'mono' }, r[0]) },
              { label: 'Value', cell: (r) => String(r[1]) },
              { label: 'Kind', cell: (r) => r[2] },
            ],
            [...params.map(([k, v]) => [k, v, 'param'] as [string, unknown, string]), ...tags.map(([k, v]) => [k, v, 'tag'] as [string, unknown, string])],
          ),
    ),
  );
}

export async function runView(root: HTMLElement, page: Page): Promise<void> {
  const id = page.params.id as string;
  const detail = await api.get<RunDetail>(`/api/v1/runs/${encodeURIComponent(id)}`, { maxPoints: MAX_POINTS }, page.signal);
  const run = detail.run;
  const intensity = await intensityDuring(page, run);
  fill(
    root,
    h('p', null, link('/runs', '← Runs')),
    h('h1', null, run.name ?? run.id, ' ', badge(run.status), h('span', { class: 'sub' }, run.project)),
    run.status === 'running' ? note('This run is still running: the figures are those of its last flush. Reload for the latest.') : null,
    headline(run),
    charts(page, run, detail, intensity),
    run.footprint ? audit(run.footprint) : section('Where every figure comes from', empty('The footprint (methods, factors and sources) is computed when the run ends.')),
    about(run),
  );
}
