/**
 * A report as one self-contained HTML file: inline CSS, charts drawn server-side as inline SVG by
 * Apache ECharts (`renderer: 'svg', ssr: true` + renderToSVGString), no script and nothing fetched
 * (a Content-Security-Policy says so too). ECharts is loaded only when a report is rendered to HTML.
 * Every piece of user text (project, run and job names, ids) is escaped.
 */
import { formatDurationS, formatEnergyKwh, formatMassG, formatUsd } from '../core/index.js';
import type * as ECharts from 'echarts';
import type { Report, Trend } from './report.js';

type EChartsModule = typeof ECharts;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

// Colours: the Okabe-Ito palette, readable with colour-blindness (Okabe & Ito, 2008).
const COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'];

function svg(echarts: EChartsModule, option: Record<string, unknown>, width: number, height: number, label: string): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: COLORS, textStyle: { fontFamily: 'system-ui, sans-serif' }, aria: { enabled: true, label: { description: label } }, ...option });
    // Inline SVG in HTML needs no namespace declarations; dropping them leaves no URL in the file.
    return chart.renderToSVGString().replace(/\s+xmlns(:xlink)?="[^"]*"/g, '');
  } finally {
    chart.dispose();
  }
}

/** Grams in g, or in kg when the largest value is a kilogram or more, for chart axes. */
function massScale(maxG: number): { div: number; unit: string } {
  return maxG >= 1000 ? { div: 1000, unit: 'kg CO2e' } : { div: 1, unit: 'g CO2e' };
}

const round = (x: number): number => Number(x.toPrecision(4));

function charts(echarts: EChartsModule, report: Report): string[] {
  const out: string[] = [];
  if (report.runs.length === 0) return out;
  if (report.daily.length > 0) {
    const s = massScale(Math.max(0, ...report.daily.map((d) => d.operationalG + d.embodiedG)));
    out.push(
      `<figure><figcaption>Emissions per day (${s.unit}, by the day a run started)</figcaption>` +
        svg(
          echarts,
          {
            grid: { left: 60, right: 20, top: 40, bottom: 40 },
            legend: { top: 5 },
            xAxis: { type: 'category', data: report.daily.map((d) => d.day.slice(5)) },
            yAxis: { type: 'value', name: s.unit },
            series: [
              { name: 'operational', type: 'bar', stack: 'g', data: report.daily.map((d) => round(d.operationalG / s.div)) },
              { name: 'embodied', type: 'bar', stack: 'g', data: report.daily.map((d) => round(d.embodiedG / s.div)) },
            ],
          },
          860,
          300,
          'Emissions per day, operational and embodied',
        ) +
        '</figure>',
    );
  }
  const e = report.energyByComponent;
  const parts = [
    { name: 'GPU', value: e.gpuKwh },
    { name: 'CPU', value: e.cpuKwh },
    { name: 'memory', value: e.memoryKwh },
    { name: 'facility overhead (PUE)', value: e.overheadKwh },
  ].filter((p) => p.value > 0);
  if (parts.length > 0) {
    out.push(
      '<figure><figcaption>Energy by component (kWh)</figcaption>' +
        svg(
          echarts,
          {
            legend: { bottom: 0 },
            series: [{ type: 'pie', radius: ['35%', '65%'], label: { formatter: '{b}: {d}%' }, data: parts.map((p) => ({ name: p.name, value: round(p.value) })) }],
          },
          860,
          300,
          'Energy by component',
        ) +
        '</figure>',
    );
  }
  const top = [...report.runs].sort((a, b) => b.totalG - a.totalG).slice(0, 10).reverse();
  if (top.length > 0) {
    const s = massScale(top.at(-1)?.totalG ?? 0);
    out.push(
      `<figure><figcaption>Top runs by emissions (${s.unit})</figcaption>` +
        svg(
          echarts,
          {
            grid: { left: 200, right: 40, top: 10, bottom: 30 },
            xAxis: { type: 'value' },
            yAxis: { type: 'category', data: top.map((r) => shorten(r.name ?? r.id)), axisLabel: { width: 170, overflow: 'truncate' } },
            series: [{ type: 'bar', data: top.map((r) => round(r.totalG / s.div)) }],
          },
          860,
          Math.max(120, 40 + top.length * 26),
          'Top runs by emissions',
        ) +
        '</figure>',
    );
  }
  return out;
}

const shorten = (s: string): string => (s.length > 28 ? `${s.slice(0, 27)}…` : s);

function trendCell(t: Trend, fmt: (x: number) => string): string {
  if (t.changePct === null) return t.current === 0 ? '—' : 'new';
  const sign = t.change > 0 ? '+' : t.change < 0 ? '−' : '±';
  return `${sign}${fmt(Math.abs(t.change))} (${sign}${Math.abs(t.changePct).toFixed(1)} %)`;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const cost = (x: number | null): string => (x === null ? 'n/a' : formatUsd(x));
const sci = (x: number | null): string => (x === null ? 'n/a' : formatMassG(x));

/** Most runs listed in the HTML table; the CSV has every run (greenml, 2026: keeps the file small). */
export const HTML_MAX_RUNS = 500;

export async function renderReportHtml(report: Report): Promise<string> {
  const echarts = await import('echarts');
  const h = escapeHtml;
  const t = report.totals;
  const title = `greenml report: ${report.project ?? 'all projects'}, ${report.period.label}`;
  const kpis = [
    ['Runs', String(t.runs), trendCell(report.trends.runs, String)],
    ['Energy', formatEnergyKwh(t.energyKwh), trendCell(report.trends.energyKwh, formatEnergyKwh)],
    ['Emissions', `${formatMassG(t.totalG)} CO2e`, trendCell(report.trends.totalG, formatMassG)],
    ['Cost', cost(t.costUsd), t.costUsd === null ? '—' : trendCell(report.trends.costUsd, formatUsd)],
    [`SCI per ${report.unit.label}`, sci(report.sci.gPerUnit), `${report.sci.runsWithCount} of ${report.runs.length} runs counted`],
  ];
  const runRows = report.runs
    .slice(0, HTML_MAX_RUNS)
    .map(
      (r) =>
        `<tr><td><code>${h(r.id.slice(0, 12))}</code></td><td>${h(r.name ?? '')}</td><td>${h(r.status)}</td><td>${h(iso(r.startedAt))}</td>` +
        `<td class="n">${h(formatDurationS(r.durationS))}</td><td class="n">${h(formatEnergyKwh(r.energyKwh))}</td><td class="n">${h(formatMassG(r.totalG))}</td>` +
        `<td class="n">${h(cost(r.costUsd))}</td><td class="n">${r.functionalUnits === null ? 'n/a' : h(String(round(r.functionalUnits)))}</td><td class="n">${h(sci(r.sciGPerUnit))}</td></tr>`,
    )
    .join('\n');
  const jobRows = report.scheduling.jobs
    .map(
      (j) =>
        `<tr><td>${h(j.name ?? j.jobId)}</td><td>${h(j.region)}</td><td class="n">${h(formatMassG(j.immediateG))}</td><td class="n">${h(formatMassG(j.expectedG))}</td>` +
        `<td class="n">${h(formatMassG(j.plannedSavingG))}</td><td class="n">${h(formatMassG(j.actualOperationalG))}</td><td class="n">${h(formatMassG(j.realisedSavingG))}</td></tr>`,
    )
    .join('\n');
  const budgetRows = report.budgets
    .map(
      (b) =>
        `<tr><td>${h(b.name)}</td><td>${h(b.project ?? 'all projects')}</td><td>${h(`${b.kind}, ${b.period}`)}</td><td class="n">${h(`${round(b.limit)} ${b.unit}`)}</td>` +
        `<td class="n">${b.actual === null ? '—' : h(`${round(b.actual)} ${b.unit}`)}</td><td class="${b.state === 'alarm' ? 'alarm' : ''}">${h(b.state ?? 'not checked')}</td></tr>`,
    )
    .join('\n');
  const section = (heading: string, body: string): string => `<section><h2>${h(heading)}</h2>${body}</section>`;
  const table = (head: string[], rows: string, numeric: number[] = []): string =>
    `<table><thead><tr>${head.map((x, i) => `<th${numeric.includes(i) ? ' class="n"' : ''}>${h(x)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${h(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:900px;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #dde;padding-bottom:.2rem}
.meta{color:#556;margin-top:0}.kpis{display:flex;flex-wrap:wrap;gap:.8rem}.kpi{border:1px solid #dde;border-radius:6px;padding:.6rem .8rem;min-width:150px}
.kpi b{display:block;font-size:1.2rem}.kpi small{color:#556}figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{padding:.25rem .4rem;border-bottom:1px solid #eef;text-align:left}
.n{text-align:right;font-variant-numeric:tabular-nums}.alarm{color:#b00;font-weight:600}footer{margin-top:2rem;color:#556;font-size:.8rem}
</style>
</head>
<body>
<h1>${h(title)}</h1>
<p class="meta">${h(iso(report.period.fromMs))} to ${h(iso(report.period.toMs))}, compared with ${h(report.previous.label)}. Generated ${h(iso(report.generatedAt))}.</p>
<div class="kpis">${kpis.map(([k, v, s]) => `<div class="kpi">${h(k ?? '')}<b>${h(v ?? '')}</b><small>${h(s ?? '')}</small></div>`).join('')}</div>
${section(
  'Totals',
  table(
    ['', 'this period', 'previous', 'change'],
    [
      ['Runs', report.trends.runs, String],
      ['Energy', report.trends.energyKwh, formatEnergyKwh],
      ['Operational emissions', report.trends.operationalG, formatMassG],
      ['Embodied emissions', report.trends.embodiedG, formatMassG],
      ['Total emissions', report.trends.totalG, formatMassG],
      ['Cost', report.trends.costUsd, formatUsd],
    ]
      .map(([k, tr, f]) => {
        const tt = tr as Trend;
        const fmt = f as (x: number) => string;
        return `<tr><td>${h(k as string)}</td><td class="n">${h(fmt(tt.current))}</td><td class="n">${h(fmt(tt.previous))}</td><td class="n">${h(trendCell(tt, fmt))}</td></tr>`;
      })
      .join('\n'),
    [1, 2, 3],
  ) + `<p>Runs by status: ${h(Object.entries(t.byStatus).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(', ') || 'none')}.</p>`,
)}
${section('Charts', charts(echarts, report).join('\n') || '<p>No runs in this period.</p>')}
${section(
  `Runs (SCI per ${report.unit.label})`,
  report.runs.length === 0
    ? '<p>No runs in this period.</p>'
    : table(['run', 'name', 'status', 'started', 'duration', 'energy', 'CO2e', 'cost', 'units', 'SCI'], runRows, [4, 5, 6, 7, 8, 9]) +
        (report.runs.length > HTML_MAX_RUNS ? `<p>${report.runs.length - HTML_MAX_RUNS} more runs in the CSV export.</p>` : ''),
)}
${section(
  'What scheduling saved',
  report.scheduling.jobs.length === 0
    ? '<p>No scheduled job ran in this period.</p>'
    : `<p>Planned saving ${h(formatMassG(report.scheduling.plannedSavingG))} CO2e (the plans' own figures: same energy, chosen windows against starting at once); measured against the counterfactual ${h(formatMassG(report.scheduling.realisedSavingG))}.</p>` +
        table(['job', 'region', 'if started at once', 'planned', 'planned saving', 'measured', 'vs counterfactual'], jobRows, [2, 3, 4, 5, 6]),
)}
${section('Budgets (now)', report.budgets.length === 0 ? '<p>No budgets cover this scope.</p>' : table(['budget', 'scope', 'kind', 'limit', 'this period', 'state'], budgetRows, [3, 4]))}
${report.notes.length > 0 ? section('Notes', `<ul>${report.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`) : ''}
<footer>SCI = (E × I + M) per R, as in the Green Software Foundation's
<a href="https://github.com/Green-Software-Foundation/sci/blob/main/SPEC.md">SCI specification v1.1.0</a> (ISO/IEC 21031:2024);
figures are location-based. Charts drawn with <a href="https://echarts.apache.org/">Apache ECharts</a>. Generated by greenml.</footer>
</body>
</html>
`;
}
