/** Small building blocks shared by the views: figures, tables, badges, empty and error states. */
import { ApiError, setToken } from './api.js';
import { cmd, h, type Child } from './dom.js';

/** A headline figure: label, value (with its unit), and where it comes from. */
export function figure(label: string, value: string, note?: Child): HTMLElement {
  return h('div', { class: 'figure' }, h('div', { class: 'figure-label' }, label), h('div', { class: 'figure-value' }, value), note ? h('div', { class: 'figure-note' }, note) : null);
}

export const figures = (...items: HTMLElement[]): HTMLElement => h('div', { class: 'figures' }, ...items);

export const badge = (text: string, kind = text): HTMLElement => h('span', { class: `badge badge-${kind}` }, text);

export const loading = (what = 'Loading…'): HTMLElement => h('p', { class: 'loading', role: 'status' }, what);

export const note = (...children: Child[]): HTMLElement => h('p', { class: 'note' }, ...children);

/** An empty state says what to do next. */
export const empty = (...children: Child[]): HTMLElement => h('div', { class: 'empty' }, ...children);

/**
 * An error as the user should see it: the API's own message and code. A 401 offers to store a
 * token (servers bound beyond loopback require one).
 */
export function errorBox(e: unknown): HTMLElement {
  if (e instanceof ApiError && e.status === 401) {
    const input = h('input', { type: 'password', name: 'token', placeholder: 'gml_…', autocomplete: 'off', 'aria-label': 'API token' });
    return h(
      'div',
      { class: 'error', role: 'alert' },
      h('p', null, h('strong', null, 'This server needs a token. '), e.message),
      h('p', null, 'Create a read token on the server with ', cmd('greenml tokens create --all-projects --scope read --name dashboard'), ' and paste it here (kept in this browser only).'),
      h(
        'form',
        {
          class: 'inline',
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            setToken(input.value.trim() || null);
            location.reload();
          },
        },
        input,
        h('button', { type: 'submit' }, 'Use token'),
      ),
    );
  }
  const message = e instanceof Error ? e.message : String(e);
  const code = e instanceof ApiError ? e.code : 'ERROR';
  return h('div', { class: 'error', role: 'alert' }, h('strong', null, code), ' ', message);
}

export interface Column<T> {
  label: string;
  cell: (row: T) => Child;
  numeric?: boolean;
  /** Set when the column can be sorted; the table calls onSort with it. */
  sortKey?: string;
  title?: string;
}

export interface TableOptions {
  sort?: { key: string; order: 'asc' | 'desc' };
  onSort?: (key: string) => void;
  caption?: string;
  rowClass?: (index: number) => string | null;
}

export function table<T>(columns: Column<T>[], rows: readonly T[], opts: TableOptions = {}): HTMLTableElement {
  const head = h(
    'tr',
    null,
    columns.map((c) => {
      const sorted = opts.sort && c.sortKey === opts.sort.key ? opts.sort.order : null;
      const label: Child = c.sortKey && opts.onSort
        ? h('button', { type: 'button', class: 'sort', onclick: () => opts.onSort?.(c.sortKey as string) }, c.label, sorted ? (sorted === 'asc' ? ' ▲' : ' ▼') : '')
        : c.label;
      return h('th', { scope: 'col', class: c.numeric ? 'num' : null, title: c.title, 'aria-sort': sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : null }, label);
    }),
  );
  const body = rows.map((r, i) => h('tr', { class: opts.rowClass?.(i) ?? null }, columns.map((c) => h('td', { class: c.numeric ? 'num' : null }, c.cell(r)))));
  return h('table', { class: 'data' }, opts.caption ? h('caption', null, opts.caption) : null, h('thead', null, head), h('tbody', null, body));
}

/** A definition list of label/value pairs (run facts, factors). */
export function facts(pairs: [string, Child][]): HTMLElement {
  return h('dl', { class: 'facts' }, pairs.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

/** A source citation with its year and a link when there is one. */
export function citation(src: { source: string; year?: number | undefined; url?: string | undefined; retrieved?: string | undefined }): HTMLElement {
  const text = `${src.source}${src.year ? `, ${src.year}` : ''}${src.retrieved ? ` (retrieved ${src.retrieved})` : ''}`;
  return h('span', { class: 'source' }, src.url ? h('a', { href: src.url, rel: 'noreferrer noopener', target: '_blank' }, text) : text);
}
