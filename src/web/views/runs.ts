/**
 * The runs table. Filtering, sorting and paging happen on the server (keyset cursors), so a page
 * costs the same with 100 runs or 100,000; the dashboard never holds more than one page.
 */
import { RUN_STATUSES, formatDurationS, formatEnergyKwh, formatMassG, type RunRecord } from '../../core/index.js';
import { api } from '../api.js';
import type { ProjectList, RunPage } from '../api-types.js';
import { cmd, fill, h, link } from '../dom.js';
import { cost, formatIntensity, integer, shortId, when } from '../figures.js';
import type { Page } from '../router.js';
import { badge, empty, errorBox, loading, note, table, type Column } from '../ui.js';

const SORTS = ['startedAt', 'energyKwh', 'totalG', 'costUsd', 'durationS'] as const;
type Sort = (typeof SORTS)[number];
const PAGE_SIZES = [50, 100, 200];

interface State {
  project: string;
  status: string;
  search: string;
  sort: Sort;
  order: 'asc' | 'desc';
  limit: number;
}

function stateFrom(q: URLSearchParams): State {
  const sort = q.get('sort');
  const limit = Number(q.get('limit'));
  return {
    project: q.get('project') ?? '',
    status: q.get('status') ?? '',
    search: q.get('search') ?? '',
    sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : 'startedAt',
    order: q.get('order') === 'asc' ? 'asc' : 'desc',
    limit: PAGE_SIZES.includes(limit) ? limit : 50,
  };
}

export async function runsView(root: HTMLElement, page: Page): Promise<void> {
  const state = stateFrom(page.query);
  /** Cursors of the pages before the current one (null: the first page). */
  const back: (string | null)[] = [];
  let cursor: string | null = null;
  let next: string | null = null;
  let total: number | null = null;
  let request = 0;
  const selected = new Set<string>();

  const { projects } = await api.get<ProjectList>('/api/v1/projects', {}, page.signal);
  const projectSel = h('select', { name: 'project', 'aria-label': 'Project' }, h('option', { value: '' }, 'all projects'), projects.map((p) => h('option', { value: p.name }, p.name)));
  projectSel.value = state.project;
  const statusSel = h('select', { name: 'status', 'aria-label': 'Status' }, h('option', { value: '' }, 'any status'), RUN_STATUSES.map((s) => h('option', { value: s }, s)));
  statusSel.value = state.status;
  const searchInput = h('input', { type: 'search', name: 'search', placeholder: 'search name, command, tag=value', value: state.search, 'aria-label': 'Search runs', size: 30 });
  const sizeSel = h('select', { name: 'limit', 'aria-label': 'Runs per page' }, PAGE_SIZES.map((n) => h('option', { value: n }, `${n} per page`)));
  sizeSel.value = String(state.limit);
  const compareBtn = h('button', { type: 'button', disabled: true, onclick: () => page.navigate('/compare', { ids: [...selected].join(',') }) }, 'Compare selected');
  const tableEl = h('div', { class: 'table-wrap' }, loading());
  const summary = h('span', { class: 'note', 'data-testid': 'runs-summary' });
  const prevBtn = h('button', { type: 'button', onclick: () => void go('prev') }, '← Newer');
  const nextBtn = h('button', { type: 'button', onclick: () => void go('next') }, 'Older →');

  const syncUrl = (): void =>
    page.replaceQuery({
      project: state.project || null,
      status: state.status || null,
      search: state.search || null,
      sort: state.sort === 'startedAt' ? null : state.sort,
      order: state.order === 'desc' ? null : state.order,
      limit: state.limit === 50 ? null : String(state.limit),
    });

  const columns: Column<RunRecord>[] = [
    {
      label: '',
      cell: (r) =>
        h('input', {
          type: 'checkbox',
          'aria-label': `Select ${r.name ?? r.id} for comparison`,
          checked: selected.has(r.id),
          onchange: (ev: Event) => {
            if ((ev.target as HTMLInputElement).checked) selected.add(r.id);
            else selected.delete(r.id);
            compareBtn.disabled = selected.size < 2;
            compareBtn.textContent = `Compare selected (${selected.size})`;
          },
        }),
    },
    { label: 'Started (UTC)', sortKey: 'startedAt', cell: (r) => when(r.startedAt) },
    { label: 'Run', cell: (r) => [link(`/runs/${r.id}`, r.name ?? shortId(r.id)), h('div', { class: 'id' }, r.id)] },
    { label: 'Project', cell: (r) => r.project },
    { label: 'Status', cell: (r) => badge(r.status) },
    { label: 'Duration', numeric: true, sortKey: 'durationS', cell: (r) => formatDurationS(r.durationS) },
    { label: 'Energy', numeric: true, sortKey: 'energyKwh', cell: (r) => formatEnergyKwh(r.energyKwh), title: 'Facility energy (IT × PUE)' },
    { label: 'Emissions', numeric: true, sortKey: 'totalG', cell: (r) => `${formatMassG(r.totalG)} CO2e`, title: 'Operational + embodied' },
    { label: 'Cost', numeric: true, sortKey: 'costUsd', cell: (r) => cost(r.costUsd) },
    { label: 'Intensity', numeric: true, cell: (r) => (r.intensityGPerKwh === null ? '—' : formatIntensity(r.intensityGPerKwh)) },
  ];

  const load = async (withCount: boolean): Promise<void> => {
    const mine = ++request;
    tableEl.setAttribute('aria-busy', 'true');
    try {
      const res = await api.get<RunPage>(
        '/api/v1/runs',
        { project: state.project, status: state.status, search: state.search.trim(), sort: state.sort, order: state.order, limit: state.limit, cursor, count: withCount ? true : null },
        page.signal,
      );
      if (mine !== request) return;
      if (res.total !== undefined) total = res.total;
      next = res.nextCursor;
      const first = back.length * state.limit + 1;
      summary.textContent = res.runs.length === 0 ? '' : `Runs ${integer(first)}–${integer(first + res.runs.length - 1)}${total === null ? '' : ` of ${integer(total)}`}`;
      prevBtn.disabled = back.length === 0;
      nextBtn.disabled = next === null;
      const filtered = state.project || state.status || state.search;
      fill(
        tableEl,
        res.runs.length === 0
          ? filtered
            ? empty('No run matches these filters. Clear the search or pick another project or status.')
            : empty('No runs yet. Measure a command with ', cmd('greenml run -- python train.py'), ' and it shows here.')
          : table(columns, res.runs, {
              sort: { key: state.sort, order: state.order },
              onSort: (key) => {
                if (state.sort === key) state.order = state.order === 'desc' ? 'asc' : 'desc';
                else {
                  state.sort = key as Sort;
                  state.order = 'desc';
                }
                void restart();
              },
            }),
      );
    } catch (e) {
      if (!page.signal.aborted && mine === request) fill(tableEl, errorBox(e));
    } finally {
      if (mine === request) tableEl.removeAttribute('aria-busy');
    }
  };

  const restart = async (): Promise<void> => {
    back.length = 0;
    cursor = null;
    total = null;
    syncUrl();
    await load(true);
  };

  const go = async (dir: 'prev' | 'next'): Promise<void> => {
    if (dir === 'next' && next !== null) {
      back.push(cursor);
      cursor = next;
    } else if (dir === 'prev' && back.length > 0) {
      cursor = back.pop() ?? null;
    } else return;
    await load(false);
    tableEl.scrollIntoView({ block: 'start' });
  };

  let debounce: ReturnType<typeof setTimeout> | undefined;
  searchInput.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      state.search = searchInput.value;
      void restart();
    }, 300);
  });
  page.onDispose(() => clearTimeout(debounce));
  projectSel.addEventListener('change', () => {
    state.project = projectSel.value;
    void restart();
  });
  statusSel.addEventListener('change', () => {
    state.status = statusSel.value;
    void restart();
  });
  sizeSel.addEventListener('change', () => {
    state.limit = Number(sizeSel.value);
    void restart();
  });

  fill(
    root,
    h('h1', null, 'Runs'),
    h('div', { class: 'toolbar' }, projectSel, statusSel, searchInput, sizeSel, compareBtn),
    h('section', { class: 'panel' }, tableEl, h('div', { class: 'pager' }, prevBtn, nextBtn, summary)),
    note('Sorted and paged by the server; click a sortable column header to sort by it. Select two or more runs to compare their accuracy against energy.'),
  );
  await load(true);
}
