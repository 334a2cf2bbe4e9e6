/**
 * Hash routing (`#/runs/01J...?sort=totalG`): the server serves one index.html and never needs to
 * know the dashboard's paths. Each navigation gets a fresh Page whose AbortSignal cancels the old
 * page's requests and whose charts are disposed when the user moves on.
 */
import { ChartBox, type ChartOption } from './charts.js';
import { fill } from './dom.js';
import { errorBox, loading } from './ui.js';

export interface Page {
  params: Record<string, string>;
  query: URLSearchParams;
  signal: AbortSignal;
  /** A chart tied to this page (disposed with it). */
  chart(option: ChartOption, opts: { height?: number; label: string; group?: string }): ChartBox;
  onDispose(fn: () => void): void;
  /** Goes to another page (a new history entry). */
  navigate(path: string, query?: Record<string, string | null | undefined>): void;
  /** Rewrites this page's query in the address bar without re-rendering (filters, paging). */
  replaceQuery(query: Record<string, string | null | undefined>): void;
}

export type View = (root: HTMLElement, page: Page) => void | Promise<void>;

export interface Route {
  path: string;
  title: string;
  nav?: string;
  view: View;
}

export function hrefOf(path: string, query: Record<string, string | null | undefined> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') qs.set(k, v);
  const s = qs.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const a = path.split('/').filter(Boolean);
  if (p.length !== a.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] as string;
    const val = a[i] as string;
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(val);
    else if (seg !== val) return null;
  }
  return params;
}

export function startRouter(root: HTMLElement, routes: Route[], onRoute: (route: Route | null) => void): void {
  let current: { controller: AbortController; disposers: (() => void)[] } | null = null;

  const render = async (): Promise<void> => {
    if (current) {
      current.controller.abort();
      for (const d of current.disposers) d();
    }
    const hash = location.hash.replace(/^#/, '') || '/';
    const [path = '/', qs = ''] = hash.split('?');
    const found = routes.map((r) => ({ r, params: match(r.path, path) })).find((x) => x.params !== null);
    const controller = new AbortController();
    const disposers: (() => void)[] = [];
    current = { controller, disposers };
    onRoute(found?.r ?? null);
    if (!found || !found.params) {
      document.title = 'Not found · greenml';
      fill(root, errorBox(new Error(`No page at "${path}". Use the menu above.`)));
      return;
    }
    document.title = `${found.r.title} · greenml`;
    const page: Page = {
      params: found.params,
      query: new URLSearchParams(qs),
      signal: controller.signal,
      chart: (option, opts) => {
        const box = new ChartBox(option, opts);
        disposers.push(() => box.dispose());
        return box;
      },
      onDispose: (fn) => disposers.push(fn),
      navigate: (to, query) => {
        location.hash = hrefOf(to, query);
      },
      replaceQuery: (query) => {
        history.replaceState(null, '', hrefOf(path, query));
      },
    };
    fill(root, loading());
    try {
      await found.r.view(root, page);
    } catch (e) {
      if (controller.signal.aborted) return;
      fill(root, errorBox(e));
    }
    window.scrollTo(0, 0);
  };

  window.addEventListener('hashchange', () => void render());
  void render();
}
