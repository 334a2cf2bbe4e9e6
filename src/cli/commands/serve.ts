/**
 * `greenml serve`: the HTTP API, Prometheus metrics and the dashboard over one store. Binds
 * 127.0.0.1 by default (tokens optional); any other address needs tokens, and at least one must
 * exist. Prints `listening on http://host:port` on stdout (a JSON line with --json), logs to
 * stderr, and shuts down cleanly on SIGINT/SIGTERM (requests in flight finish, the store closes).
 * POST /api/v1/schedule plans jobs as `greenml schedule` does (planJob over the intensity source
 * --source names) and queues them in the store for agents.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { GreenmlError, parseNumberIn } from '../../core/index.js';
import type { IntensitySource } from '../../intensity/index.js';
import type { Store } from '../../store/index.js';
import { printLine } from '../output.js';
import { packageRoot, readVersion } from '../version.js';
import type { SourceFlags } from './job-runtime.js';

export const DEFAULT_HOST = '127.0.0.1';
/** greenml's default port (2025): unassigned by IANA, clear of common dev servers (3000, 5173, 8080, 8787). */
export const DEFAULT_PORT = 8767;

export interface ServeFlags extends SourceFlags {
  host?: string;
  port?: string;
  db?: string;
  json?: boolean;
  web?: string;
}

export interface Serving {
  url: string;
  host: string;
  port: number;
  authRequired: boolean;
  store: Store;
  dashboard: string | null;
  close(): Promise<void>;
}

export interface ServeDeps {
  env: Record<string, string | undefined>;
  cwd: string;
  nowMs: () => number;
  log: (line: string) => void;
}

const defaultDeps = (): ServeDeps => ({ env: process.env, cwd: process.cwd(), nowMs: Date.now, log: (l) => process.stderr.write(`greenml serve: ${l}\n`) });

/**
 * Intensity for any zone: the GB Carbon Intensity API for GB zones (free, no key), Electricity
 * Maps for the rest when a token is configured, else the catalog's annual averages. Live sources
 * are cached in the store and get greenml's baseline forecast when they have none.
 */
async function intensityResolver(store: Store, settings: { electricitymapsToken?: string | undefined }, nowMs: () => number): Promise<(zone: string) => IntensitySource> {
  const intensity = await import('../../intensity/index.js');
  const catalog = await import('../../catalog/index.js');
  const wrap = (s: IntensitySource): IntensitySource => intensity.withBaselineForecast(intensity.cachedSource(s, store, { nowMs }), { nowMs });
  const gb = wrap(intensity.gbCarbonIntensitySource());
  const em = settings.electricitymapsToken ? wrap(intensity.electricityMapsSource({ token: settings.electricitymapsToken, nowMs })) : null;
  const annual = intensity.staticSource((zone) => (zone.includes(':') ? catalog.regionIntensity(catalog.findRegion(zone)) : catalog.countryIntensity(zone)));
  return (zone) => {
    if (/^GB(:|$)/i.test(zone.trim())) return gb;
    return em ?? annual;
  };
}

export async function startServe(flags: ServeFlags, deps: ServeDeps = defaultDeps()): Promise<Serving> {
  const host = (flags.host ?? DEFAULT_HOST).trim();
  if (host === '') throw new GreenmlError('INVALID_INPUT', '--host is empty: give an address such as 127.0.0.1 or 0.0.0.0.');
  const port = flags.port === undefined ? DEFAULT_PORT : parseNumberIn(flags.port, '--port', 0, 65_535);
  if (!Number.isInteger(port)) throw new GreenmlError('INVALID_INPUT', `--port must be a whole number from 0 to 65535, got ${flags.port}.`);
  const { resolveSettings } = await import('../config.js');
  const { values } = resolveSettings({ flags: { db: flags.db }, env: deps.env, cwd: deps.cwd });
  const { openCliStore } = await import('../db.js');
  const store = await openCliStore({ db: flags.db });
  try {
    const server = await import('../../server/index.js');
    const { authRequired } = await server.checkBindPolicy(host, store);
    const webRoot = flags.web ?? join(packageRoot(), 'dist', 'web');
    const { scheduleSources, serveScheduler } = await import('./serve-schedule.js');
    const planning = await scheduleSources(flags, store, { env: deps.env, cwd: deps.cwd, nowMs: deps.nowMs });
    const app = server.createServer({
      store,
      intensity: await intensityResolver(store, values, deps.nowMs),
      schedule: serveScheduler(planning),
      clock: deps.nowMs,
      auth: { required: authRequired },
      version: readVersion(),
      webRoot,
      log: deps.log,
    });
    const listening = await server.listen(app, { host, port });
    const dashboard = existsSync(join(webRoot, 'index.html')) ? webRoot : null;
    return {
      url: listening.url,
      host: listening.host,
      port: listening.port,
      authRequired,
      store,
      dashboard,
      async close() {
        await listening.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export const registerServe = (program: Command): void => {
  program
    .command('serve')
    .description('Serve the HTTP API, Prometheus /metrics and the dashboard over the store')
    .option('--host <address>', `address to bind (default ${DEFAULT_HOST}; any other address requires API tokens)`)
    .option('--port <port>', `port (default ${DEFAULT_PORT}; 0 picks a free one)`)
    .option('--db <location>', 'database: a SQLite path or postgres://... (default: GREENML_DB, the config file, or the user data directory)')
    .option('--web <dir>', 'folder of the built dashboard (default: dist/web of this package)')
    .option('--source <source>', 'intensity POST /api/v1/schedule plans on: static, file, electricitymaps, watttime, gb, store (default: a configured provider, else the store)')
    .option('--file <zone=path>', 'with --source file: an intensity file and the zone it is for, e.g. DE=de-2023.csv (repeat for several zones)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--format <format>', 'file format: lwa, electricitymaps, csv, json (default: detected)')
    .option('--column <column>', 'Electricity Maps intensity: lca (default) or direct')
    .option('--signal <signal>', 'WattTime signal: marginal (default) or average; csv/json files: average (default) or marginal')
    .option('--json', 'print the listening address as one JSON line')
    .action(async (flags: ServeFlags) => {
      const deps = defaultDeps();
      const s = await startServe(flags, deps);
      // One line either way, so a script (or a test) can read the address as soon as it is bound.
      if (flags.json) printLine(JSON.stringify({ listening: s.url, host: s.host, port: s.port, authRequired: s.authRequired, store: s.store.location, dashboard: s.dashboard !== null }));
      else printLine(`listening on ${s.url}`);
      deps.log(`store ${s.store.location}; tokens ${s.authRequired ? 'required' : 'optional (loopback)'}; dashboard ${s.dashboard ?? 'not built (npm run build:web)'}; API ${s.url}/api/openapi.json`);
      const sig = await untilSignal();
      deps.log(`${sig}: finishing requests in flight and closing the store`);
      await s.close();
    });
};
