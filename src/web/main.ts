/** The dashboard's entry point: the menu, the footer with the server's version, and the routes. */
import { api } from './api.js';
import type { Health } from './api-types.js';
import { fill, h } from './dom.js';
import { startRouter, type Route } from './router.js';
import { budgetsView } from './views/budgets.js';
import { catalogView } from './views/catalog.js';
import { compareView } from './views/compare.js';
import { overviewView } from './views/overview.js';
import { planView } from './views/plan.js';
import { runView } from './views/run.js';
import { runsView } from './views/runs.js';
import { scheduleView } from './views/schedule.js';

const routes: Route[] = [
  { path: '/', title: 'Overview', nav: 'Overview', view: overviewView },
  { path: '/runs', title: 'Runs', nav: 'Runs', view: runsView },
  { path: '/runs/:id', title: 'Run', view: runView },
  { path: '/compare', title: 'Compare', nav: 'Compare', view: compareView },
  { path: '/plan', title: 'Plan', nav: 'Plan', view: planView },
  { path: '/schedule', title: 'Schedule', nav: 'Schedule', view: scheduleView },
  { path: '/catalog', title: 'Catalog', nav: 'Catalog', view: catalogView },
  { path: '/budgets', title: 'Budgets', nav: 'Budgets', view: budgetsView },
];

const nav = document.getElementById('nav') as HTMLElement;
const root = document.getElementById('app') as HTMLElement;
const footer = document.getElementById('footer') as HTMLElement;

const links = routes.filter((r) => r.nav).map((r) => ({ route: r, a: h('a', { href: `#${r.path}` }, r.nav as string) }));
fill(nav, links.map((l) => l.a));

startRouter(root, routes, (route) => {
  // The run page belongs to Runs in the menu.
  const active = route?.path === '/runs/:id' ? '/runs' : route?.path;
  for (const l of links) {
    if (l.route.path === active) l.a.setAttribute('aria-current', 'page');
    else l.a.removeAttribute('aria-current');
  }
});

api
  .get<Health>('/api/v1/health')
  .then((health) => fill(footer, `greenml ${health.version} · store: ${health.store} · times in UTC · every figure names its method and source on the run page`))
  .catch((e: unknown) => fill(footer, `The greenml API is not reachable: ${e instanceof Error ? e.message : String(e)}`));
