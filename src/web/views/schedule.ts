/**
 * Shift work in time: a zone's intensity forecast with the lowest-carbon window for a job shaded
 * (the server's exact window search, GET /intensity/{zone}/window), and the scheduled jobs with the
 * windows they were given and what that saved against starting at once.
 */
import { formatDurationS, formatMassG, formatPercent, parseDurationS, type JobRecord, type SchedulePlan } from '../../core/index.js';
import { api, ApiError } from '../api.js';
import type { IntensityPointWire, IntensityResponse, JobPage } from '../api-types.js';
import { COMPONENT_COLORS, GOOD, type ChartOption } from '../charts.js';
import { cmd, fill, h, link } from '../dom.js';
import { formatIntensity, num, shortId, when } from '../figures.js';
import type { Page } from '../router.js';
import { intensitySteps } from '../run-series.js';
import { badge, empty, errorBox, facts, loading, note, table } from '../ui.js';

interface Shade {
  startMs: number;
  endMs: number;
  label: string;
}

function forecastOption(points: IntensityPointWire[], shades: Shade[], marks: { t: number; label: string }[]): ChartOption {
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatIntensity(v) },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', name: 'gCO2e/kWh', scale: true },
    series: [
      {
        name: 'grid intensity',
        type: 'line',
        showSymbol: false,
        data: intensitySteps(points),
        itemStyle: { color: COMPONENT_COLORS.memory },
        lineStyle: { color: COMPONENT_COLORS.memory },
        markArea: { silent: true, itemStyle: { color: GOOD, opacity: 0.22 }, label: { position: 'insideTop' }, data: shades.map((s) => [{ xAxis: s.startMs, name: s.label }, { xAxis: s.endMs }]) },
        markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed' }, label: { formatter: '{b}' }, data: marks.map((m) => ({ xAxis: m.t, name: m.label })) },
      },
    ],
  };
}

type WindowResult = SchedulePlan & { zone: string; forecastSource: string };

function windowFacts(w: WindowResult): HTMLElement {
  return facts([
    ['Best window (UTC)', `${when(w.startMs)} → ${when(w.endMs)}`],
    ['Mean intensity', `${formatIntensity(w.meanIntensityGPerKwh)} (starting now: ${formatIntensity(w.baseline.meanIntensityGPerKwh)})`],
    ['Saving', `${formatPercent(w.savingRatio)} (${formatMassG(w.savedCo2eG)} CO2e per ${num(w.energyKwh)} kWh)`],
    ['Forecast', w.forecastSource],
  ]);
}

async function forecastPanel(page: Page, panel: HTMLElement, zone: string): Promise<void> {
  const chart = page.chart({}, { label: 'forecast', height: 300 });
  const result = h('div', { 'aria-live': 'polite' });
  const duration = h('input', { name: 'duration', value: page.query.get('duration') ?? '2h', size: 8, 'aria-label': 'Job duration' });
  const deadline = h('input', { name: 'deadline', value: page.query.get('deadline') ?? '24h', size: 8, 'aria-label': 'Deadline from now' });
  const res = await api.get<IntensityResponse>(`/api/v1/intensity/${encodeURIComponent(zone)}`, { kind: 'forecast' }, page.signal);
  const points = res.series.points;
  if (points.length === 0) {
    fill(panel, h('h2', null, `Forecast for ${zone}`), empty(`${res.source.name} has no forecast for ${zone} now.`));
    return;
  }
  chart.set(forecastOption(points, [], []));
  const find = async (): Promise<void> => {
    let durationS: number;
    let deadlineS: number;
    try {
      durationS = parseDurationS(duration.value, 'duration');
      deadlineS = parseDurationS(deadline.value, 'deadline');
    } catch (e) {
      fill(result, errorBox(e));
      return;
    }
    const start = (points[0] as IntensityPointWire).t;
    fill(result, loading('Searching the forecast…'));
    try {
      const w = await api.get<WindowResult>(`/api/v1/intensity/${encodeURIComponent(zone)}/window`, { durationS, deadlineMs: start + deadlineS * 1000 }, page.signal);
      chart.set(
        forecastOption(points, w.chunks.length > 0 ? w.chunks.map((c) => ({ startMs: c.startMs, endMs: c.endMs, label: 'best window' })) : [{ startMs: w.startMs, endMs: w.endMs, label: 'best window' }], [
          { t: w.baseline.startMs, label: 'now' },
          { t: start + deadlineS * 1000, label: 'deadline' },
        ]),
      );
      fill(result, windowFacts(w));
      page.replaceQuery({ zone, duration: duration.value, deadline: deadline.value });
    } catch (e) {
      if (!page.signal.aborted) fill(result, errorBox(e));
    }
  };
  fill(
    panel,
    h('h2', null, `Forecast for ${zone}`),
    h(
      'form',
      {
        class: 'inline',
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          void find();
        },
      },
      'A job of ',
      duration,
      ' that must finish within ',
      deadline,
      h('button', { type: 'submit', class: 'primary' }, 'Find the greenest window'),
    ),
    chart.el,
    note(`${res.series.source} (${res.series.signal} intensity, ${res.series.kind}); the shaded band is the window with the lowest mean intensity.`),
    result,
  );
  await find();
}

function jobShades(job: JobRecord): Shade[] {
  return (job.plan?.windows ?? []).map((w, i, all) => ({ startMs: w.startMs, endMs: w.endMs, label: all.length > 1 ? `chunk ${i + 1}` : 'planned window' }));
}

async function jobDetail(page: Page, el: HTMLElement, job: JobRecord): Promise<void> {
  const zone = job.plan?.region ?? job.spec.regions[0];
  if (!zone) return;
  fill(el, loading(`Reading the intensity of ${zone}…`));
  const range = { fromMs: Math.min(job.spec.earliestStartMs, job.plan?.windows[0]?.startMs ?? Infinity), toMs: job.spec.deadlineMs };
  let res: IntensityResponse;
  try {
    res = await api.get<IntensityResponse>(`/api/v1/intensity/${encodeURIComponent(zone)}`, { ...range, kind: 'forecast' }, page.signal);
  } catch (e) {
    // A past job's forecast is gone at most providers: what was reported since is the next best thing.
    if (!(e instanceof ApiError)) throw e;
    res = await api.get<IntensityResponse>(`/api/v1/intensity/${encodeURIComponent(zone)}`, range, page.signal);
  }
  const chart = page.chart(forecastOption(res.series.points, jobShades(job), [{ t: job.spec.deadlineMs, label: 'deadline' }]), { label: 'job', height: 260 });
  fill(el, h('h3', null, `${job.name ?? shortId(job.id)} in ${zone}`), chart.el, note(`${res.series.source} (${res.series.kind}). Planned with: ${job.plan?.forecastSource ?? 'no plan yet'}.`));
}

async function jobsPanel(page: Page, panel: HTMLElement): Promise<void> {
  const { jobs } = await api.get<JobPage>('/api/v1/jobs', { limit: 100 }, page.signal);
  if (jobs.length === 0) {
    fill(panel, h('h2', null, 'Scheduled jobs'), empty('No scheduled jobs. Schedule one with ', cmd('greenml schedule --duration 2h --deadline +24h --region DE -- python train.py'), '; an agent (or --wait) starts it in its greenest window.'));
    return;
  }
  const detail = h('div');
  const saved = jobs.reduce((sum, j) => sum + (j.plan?.savingG ?? 0), 0);
  fill(
    panel,
    h('h2', null, 'Scheduled jobs'),
    note(`${jobs.length} latest jobs; planned savings ${formatMassG(saved)} CO2e against starting each at once (forecast figures, per the job's expected energy).`),
    h(
      'div',
      { class: 'table-wrap' },
      table(
        [
          { label: 'Job', cell: (j) => h('button', { type: 'button', class: 'sort', onclick: () => void jobDetail(page, detail, j).catch((e: unknown) => fill(detail, errorBox(e))) }, j.name ?? shortId(j.id)) },
          { label: 'State', cell: (j) => badge(j.state) },
          { label: 'Region', cell: (j) => j.plan?.region ?? j.spec.regions.join(', ') },
          { label: 'Planned window (UTC)', cell: (j) => (j.plan?.windows.length ? j.plan.windows.map((w) => `${when(w.startMs)} → ${when(w.endMs).slice(11)}`).join('; ') : '—') },
          { label: 'Run time', numeric: true, cell: (j) => formatDurationS(j.spec.durationS) },
          { label: 'Deadline (UTC)', cell: (j) => when(j.spec.deadlineMs) },
          { label: 'Expected', numeric: true, cell: (j) => (j.plan ? `${formatMassG(j.plan.expectedG)} CO2e` : '—') },
          { label: 'At once', numeric: true, cell: (j) => (j.plan ? `${formatMassG(j.plan.immediateG)} CO2e` : '—') },
          { label: 'Saving', numeric: true, cell: (j) => (j.plan ? `${formatMassG(j.plan.savingG)} (${j.plan.immediateG > 0 ? formatPercent(j.plan.savingG / j.plan.immediateG) : '—'})` : '—') },
          { label: 'Run', cell: (j) => (j.runId ? link(`/runs/${j.runId}`, shortId(j.runId)) : j.error ? h('span', { class: 'source', title: j.error }, 'error') : '—') },
        ],
        jobs,
      ),
    ),
    detail,
  );
}

export async function scheduleView(root: HTMLElement, page: Page): Promise<void> {
  const zone = page.query.get('zone') ?? '';
  const zoneInput = h('input', { name: 'zone', value: zone, placeholder: 'DE, GB, gcp:europe-west4', 'aria-label': 'Zone', size: 22 });
  const forecastEl = h('section', { class: 'panel' });
  const jobsEl = h('section', { class: 'panel' }, h('h2', null, 'Scheduled jobs'), loading());
  fill(
    root,
    h('h1', null, 'Schedule'),
    h(
      'form',
      {
        class: 'inline',
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          page.navigate('/schedule', { zone: zoneInput.value.trim() });
        },
      },
      'Grid zone ',
      zoneInput,
      h('button', { type: 'submit' }, 'Show forecast'),
    ),
    forecastEl,
    jobsEl,
  );
  if (zone) {
    fill(forecastEl, loading(`Reading the forecast for ${zone}…`));
    forecastPanel(page, forecastEl, zone).catch((e: unknown) => {
      if (!page.signal.aborted) fill(forecastEl, h('h2', null, `Forecast for ${zone}`), errorBox(e));
    });
  } else {
    fill(forecastEl, h('h2', null, 'Forecast'), empty('Name a grid zone (an Electricity Maps zone such as DE or GB, or a cloud region such as gcp:europe-west4) to see its forecast and the greenest window for a job.'));
  }
  await jobsPanel(page, jobsEl).catch((e: unknown) => {
    if (!page.signal.aborted) fill(jobsEl, h('h2', null, 'Scheduled jobs'), errorBox(e));
  });
}
