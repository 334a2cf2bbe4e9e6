/**
 * The bundled catalog's cloud regions by grid intensity (location-based annual averages) with PUE,
 * carbon-free share and the source and year of each figure (GET /api/v1/catalog/entries/{id}).
 */
import { formatPercent } from '../../core/index.js';
import { api } from '../api.js';
import type { CatalogEntry, CatalogRegion } from '../api-types.js';
import { GOOD, MUTED, type ChartOption } from '../charts.js';
import { fill, h } from '../dom.js';
import { formatIntensity, num } from '../figures.js';
import type { Page } from '../router.js';
import { errorBox, loading, note, table } from '../ui.js';

const PROVIDERS = ['aws', 'gcp', 'azure'];

function chartOption(regions: CatalogRegion[]): ChartOption {
  const sorted = [...regions].sort((a, b) => b.intensityGPerKwh - a.intensityGPerKwh);
  const median = [...regions].map((r) => r.intensityGPerKwh).sort((a, b) => a - b)[Math.floor(regions.length / 2)] ?? 0;
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => formatIntensity(v) },
    grid: { left: 190, right: 30, top: 30, bottom: 30 },
    xAxis: { type: 'value', name: 'gCO2e/kWh' },
    yAxis: { type: 'category', data: sorted.map((r) => r.id), axisLabel: { fontSize: 11 } },
    series: [
      {
        name: 'grid intensity',
        type: 'bar',
        data: sorted.map((r) => ({ value: r.intensityGPerKwh, itemStyle: { color: r.intensityGPerKwh <= median ? GOOD : MUTED } })),
        markLine: { silent: true, symbol: 'none', data: [{ xAxis: median, name: 'median' }], label: { formatter: 'median {c}' } },
      },
    ],
  };
}

async function entry(page: Page, el: HTMLElement, id: string): Promise<void> {
  fill(el, loading());
  try {
    const e = await api.get<CatalogEntry>(`/api/v1/catalog/entries/${encodeURIComponent(id)}`, {}, page.signal);
    fill(
      el,
      h('h3', null, `${e.kind} ${e.id}`),
      table(
        [
          { label: 'Field', cell: (f) => f.name },
          { label: 'Value', cell: (f) => `${typeof f.value === 'object' ? JSON.stringify(f.value) : String(f.value)}${f.unit ? ` ${f.unit}` : ''}` },
          { label: 'Source', cell: (f) => h('span', { class: 'source' }, `${f.source ?? ''}${f.year ? `, ${f.year}` : ''}`) },
        ],
        e.fields,
      ),
    );
    el.scrollIntoView({ block: 'nearest' });
  } catch (err) {
    fill(el, errorBox(err));
  }
}

export async function catalogView(root: HTMLElement, page: Page): Promise<void> {
  const provider = page.query.get('provider') ?? '';
  const sel = h(
    'select',
    { 'aria-label': 'Provider', onchange: () => page.navigate('/catalog', { provider: sel.value }) },
    h('option', { value: '' }, 'all providers'),
    PROVIDERS.map((p) => h('option', { value: p }, p)),
  );
  sel.value = provider;
  const { regions } = await api.get<{ regions: CatalogRegion[] }>('/api/v1/catalog/regions', { provider }, page.signal);
  const byIntensity = [...regions].sort((a, b) => a.intensityGPerKwh - b.intensityGPerKwh);
  const chart = page.chart(chartOption(regions), { label: 'regions', height: Math.max(240, 60 + regions.length * 16) });
  const detail = h('div');
  fill(
    root,
    h('h1', null, 'Catalog: regions by grid intensity'),
    h('div', { class: 'toolbar' }, sel, h('span', { class: 'note' }, `${regions.length} regions; location-based annual averages (what greenml charges when no time-resolved series is available).`)),
    h(
      'div',
      { class: 'grid2' },
      h('section', { class: 'panel' }, chart.el, note('Green: at or below the median of the regions shown.')),
      h(
        'section',
        { class: 'panel' },
        detail,
        h(
          'div',
          { class: 'table-wrap' },
          table(
            [
              { label: 'Region', cell: (r) => h('button', { type: 'button', class: 'sort', title: 'Every field with its source', onclick: () => void entry(page, detail, r.id) }, r.id) },
              { label: 'Where', cell: (r) => `${r.city ?? r.name}, ${r.country}` },
              { label: 'Intensity', numeric: true, cell: (r) => formatIntensity(r.intensityGPerKwh), title: 'gCO2e/kWh, location-based' },
              { label: 'Scope', cell: (r) => r.intensityScope },
              { label: 'PUE', numeric: true, cell: (r) => num(r.pue) },
              { label: 'CFE', numeric: true, cell: (r) => (r.cfeFraction === null ? '—' : formatPercent(r.cfeFraction, 0)), title: "Google's carbon-free energy share (GCP only)" },
              { label: 'Source', cell: (r) => h('span', { class: 'source' }, `${r.fieldSources?.intensityGPerKwh ?? r.sourceId}${r.fieldYears?.intensityGPerKwh ?? r.year ? `, ${r.fieldYears?.intensityGPerKwh ?? r.year}` : ''}`) },
            ],
            byIntensity,
          ),
        ),
      ),
    ),
  );
}
