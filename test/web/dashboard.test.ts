/**
 * The dashboard in real headless Chromium against the real server (createServer + listen on an
 * ephemeral port) over a SQLite store seeded with 10,000 runs, a measured-style run with samples,
 * metrics and a time-resolved footprint, a scheduled job, a budget in alarm and the real NESO GB
 * forecast. Screenshots go to test-artifacts/web/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEnergyKwh, formatMassG, formatPercent, periodBounds } from '../../src/core/index.js';
import { storedSource } from '../../src/intensity/index.js';
import { createServer, generateApiToken, listen, type Listening } from '../../src/server/index.js';
import { budgetAmount } from '../../src/web/figures.js';
import { openStore, type Store } from '../../src/store/index.js';
import { chartDescription, hasChromium, launchBrowser, screenshot, screenshotOf, skipReason, watchErrors, webRoot, type Browser } from './browser.js';
import { FORECAST_ISSUED_MS, HERO_ID, seedStore, type Seeded } from './seed.js';

if (!hasChromium) console.warn(`dashboard browser tests skipped: ${skipReason}`);

const RUNS = 10_000;
/** Pages answer in well under a second; the margin is for a busy 2-core machine running other suites. */
const POLL = { timeout: 15_000 };

interface Served {
  store: Store;
  listening: Listening;
  dir: string;
}

async function serve(web: string, seed: (store: Store) => Promise<unknown>, authRequired = false): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'greenml-web-'));
  const store = await openStore(join(dir, 'greenml.db'));
  await seed(store);
  const app = createServer({ store, intensity: () => storedSource(store), clock: () => FORECAST_ISSUED_MS, version: 'test', webRoot: web, auth: { required: authRequired } });
  return { store, listening: await listen(app, { host: '127.0.0.1', port: 0 }), dir };
}

async function stop(s: Served | undefined): Promise<void> {
  if (!s) return;
  await s.listening.close();
  await s.store.close();
  rmSync(s.dir, { recursive: true, force: true });
}

describe.skipIf(!hasChromium)('dashboard in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let full: Served;
  let empty: Served;
  let seeded: Seeded;
  /** A read token of the empty server, which requires tokens (as a server bound beyond loopback does). */
  const token = generateApiToken();
  let web: { dir: string; cleanup: () => void };
  const nowMs = Date.now();

  beforeAll(async () => {
    web = await webRoot();
    [browser, full, empty] = await Promise.all([
      launchBrowser(),
      serve(web.dir, async (store) => (seeded = await seedStore(store, RUNS, nowMs))),
      serve(
        web.dir,
        (store) => store.createToken({ id: token.id, name: 'dashboard', project: null, scope: 'read', hash: token.hash, createdAt: nowMs, lastUsedAt: null, revokedAt: null }),
        true,
      ),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([stop(full), stop(empty)]);
    web?.cleanup();
  });

  /** Opens a dashboard page and returns it with the errors it logs and the API requests it makes (path and query). */
  async function open(path: string, server = full): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    const requests: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/')) requests.push(url.pathname + url.search);
    });
    // Fail with the locator's name well before the test's own timeout.
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.listening.url}/#${path}`);
    return { page, errors, requests };
  }

  it('serves the bundle with its headers: hashed assets immutable, index revalidated, CSP, gzip', async () => {
    const base = full.listening.url;
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    const js = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(js).toBeDefined();
    const asset = await fetch(`${base}/${js}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // Nothing in the bundle reaches outside the server (the dashboard works offline).
    expect(await asset.text()).not.toMatch(/https?:\/\/(cdn|fonts|unpkg|jsdelivr)/);
    // The API keeps its JSON 404 under /api; other paths open the dashboard.
    expect((await fetch(`${base}/api/v1/nope`)).status).toBe(404);
    expect(await (await fetch(`${base}/runs/deep/link`)).text()).toContain('<main id="app"');
  });

  it('overview: this week, this month and all time from the server totals, the timeline, projects, equivalents and the budget in alarm', async () => {
    const { page, errors, requests } = await open('/');
    const all = await full.store.runTotals({});
    const month = await full.store.runTotals({ since: periodBounds('month', nowMs).startMs });
    await page.locator('[data-period="all time"] .figure-value').first().waitFor();
    expect(await page.locator('[data-period="all time"] .figure-value').first().textContent()).toBe(`${formatMassG(all.totalG)} CO2e`);
    expect(await page.locator(`[data-period="${periodBounds('month', nowMs).key}"] .figure-value`).nth(1).textContent()).toBe(formatEnergyKwh(month.energyKwh));
    expect(await page.locator('.equivalents li').count()).toBeGreaterThan(0);
    expect(await chartDescription(page, 'emissions-over-time')).toMatch(/operational/);
    expect(await chartDescription(page, 'emissions-by-project')).toMatch(/this month/);
    await page.getByText('vision-monthly-co2').first().waitFor();
    expect(await page.locator('.badge-alarm').first().textContent()).toBe('alarm');
    await page.waitForLoadState('networkidle');
    // The timeline is one request for all its bars, the budgets one for every budget's status.
    expect(requests.filter((r) => r.startsWith('/api/v1/totals/series?'))).toHaveLength(1);
    expect(requests.filter((r) => r.startsWith('/api/v1/totals?') && r.includes('until='))).toEqual([]);
    expect(requests.filter((r) => r.startsWith('/api/v1/budgets/status?'))).toHaveLength(1);
    expect(requests.filter((r) => /^\/api\/v1\/(budgets\/[^/?]+\/states|alerts)/.test(r))).toEqual([]);
    await screenshot(page, 'overview');
    expect(errors).toEqual([]);
    await page.close();
  });

  it(`runs: ${RUNS.toLocaleString('en-US')} runs paged and sorted by the server`, async () => {
    const { page, errors } = await open('/runs');
    const summary = page.getByTestId('runs-summary');
    await expect.poll(() => summary.textContent(), POLL).toBe(`Runs 1–50 of ${seeded.runCount.toLocaleString('en-US')}`);
    expect(await page.locator('table.data tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: 'Older →' }).click();
    await expect.poll(() => summary.textContent(), POLL).toBe(`Runs 51–100 of ${seeded.runCount.toLocaleString('en-US')}`);
    // Sort by emissions: the first row is the run with the most, as the store says.
    await page.getByRole('button', { name: 'Emissions' }).click();
    await expect.poll(() => summary.textContent(), POLL).toMatch(/^Runs 1–50 of/);
    const top = (await full.store.listRuns({ sort: 'totalG', order: 'desc', limit: 1 })).runs[0]!;
    await expect.poll(() => page.locator('table.data tbody tr').first().locator('td').nth(7).textContent(), POLL).toBe(`${formatMassG(top.totalG)} CO2e`);
    expect(page.url()).toContain('sort=totalG');
    // A search narrows the listing on the server.
    await page.getByLabel('Search runs').fill('exp-1234');
    await expect.poll(() => summary.textContent(), POLL).toBe('Runs 1–1 of 1');
    await page.getByLabel('Search runs').fill('no-such-run-anywhere');
    await page.getByText('No run matches these filters').waitFor();
    await screenshot(page, 'runs-empty-search');
    await page.getByLabel('Search runs').fill('');
    await expect.poll(() => summary.textContent(), POLL).toBe(`Runs 1–50 of ${seeded.runCount.toLocaleString('en-US')}`);
    await screenshot(page, 'runs');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("run: power by component, cumulative energy and emissions, intensity and metrics on one time axis, and every figure's source", async () => {
    const { page, errors, requests } = await open(`/runs/${HERO_ID.slice(0, 10)}`);
    const run = seeded.hero.run;
    const f = run.footprint!;
    await page.getByRole('heading', { name: /vit-finetune/ }).waitFor();
    expect(await page.locator('.figure-value').first().textContent()).toBe(`${formatMassG(run.totalG)} CO2e`);
    const power = await chartDescription(page, 'power');
    expect(power).toMatch(/CPU power/);
    expect(power).toMatch(/GPU power/);
    expect(power).toMatch(/memory power/);
    expect(await chartDescription(page, 'energy')).toMatch(/facility/);
    expect(await chartDescription(page, 'emissions')).toMatch(/operational emissions/);
    const intensity = await chartDescription(page, 'intensity');
    expect(intensity).toMatch(/grid intensity/);
    expect(await chartDescription(page, 'metric:accuracy')).toMatch(/accuracy/);
    expect(await chartDescription(page, 'metric:loss')).toMatch(/loss/);
    await page.getByText('NESO national actuals (CC BY 4.0) (average, actual) for GB.').waitFor();
    // The zone the footprint names is read at once, without guessing it from the location.
    expect(f.intensityZone).toBe('GB');
    expect(requests.filter((r) => r.startsWith('/api/v1/intensity/'))).toEqual([expect.stringMatching(/^\/api\/v1\/intensity\/GB\?/)]);
    expect(requests.filter((r) => r.startsWith('/api/v1/catalog/'))).toEqual([]);
    // The audit trail: method and model per component, PUE and intensity with their sources.
    for (const c of f.components) await page.getByText(c.model, { exact: true }).waitFor();
    expect(await page.locator('.badge-method').allTextContents()).toEqual(f.components.map((c) => c.method));
    await page.getByText(f.pue.source, { exact: false }).first().waitFor();
    await page.getByText(`${f.intensity.source}`, { exact: false }).first().waitFor();
    await page.getByText('vit-b16', { exact: true }).waitFor();
    await page.getByText('python train.py --model vit-b16 --lr 3e-4').waitFor();
    // The charts share the time axis: hovering the power chart shows the tooltip of the energy chart too.
    const box = (await page.locator('[data-chart="power"]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('[data-chart="energy"] div').filter({ hasText: 'facility' }).count(), POLL).toBeGreaterThan(0);
    await screenshot(page, 'run');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('plan: a submitted plan draws its Pareto chart, recommendations and table; an infeasible one shows the API message', async () => {
    const { page, errors } = await open('/plan');
    await page.locator('input[name="params"]').fill('7B');
    await page.locator('input[name="tokens"]').fill('1T');
    await page.getByLabel('aws').check();
    await page.getByRole('button', { name: 'Plan', exact: true }).click();
    await page.getByTestId('plan-result').waitFor({ timeout: 45_000 });
    const chart = await chartDescription(page, 'plan');
    expect(chart).toMatch(/Pareto front/);
    expect(await page.locator('.recommendations li').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="plan-result"] table.data tbody tr.hi').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="plan-result"] table.data').first().locator('tbody tr').first().textContent()).toMatch(/@ aws:/);
    await screenshot(page, 'plan');
    await screenshotOf(page, '[data-testid="plan-result"] section:nth-child(2)', 'plan-chart');
    await page.locator('input[name="budgetUsd"]').fill('1');
    await page.getByRole('button', { name: 'Plan', exact: true }).click();
    await page.locator('.error').getByText('INFEASIBLE').waitFor();
    expect(await page.locator('.error').textContent()).toMatch(/budget/i);
    await page.locator('input[name="deadline"]').fill('soon');
    await page.getByRole('button', { name: 'Plan', exact: true }).click();
    await page.locator('.error').getByText('Invalid deadline "soon"', { exact: false }).waitFor();
    // Chromium logs the expected 422 as a failed resource; nothing else may go wrong.
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await page.close();
  });

  it('compare: runs selected in the table, then accuracy against energy with the Pareto front of a sweep', async () => {
    const { page, errors } = await open('/runs?project=sweep');
    const boxes = page.locator('table.data tbody input[type="checkbox"]');
    await expect.poll(() => boxes.count(), POLL).toBe(12);
    for (const i of [0, 3, 7]) await boxes.nth(i).check();
    await page.getByRole('button', { name: 'Compare selected (3)' }).click();
    await page.getByText('3 runs with accuracy', { exact: false }).waitFor();
    expect(page.url()).toMatch(/#\/compare\?ids=01GVSWEEP/);
    await page.goto(`${full.listening.url}/#/compare?project=sweep`);
    const chart = await chartDescription(page, 'compare');
    expect(chart).toMatch(/Pareto front/);
    const front = await page.locator('table.data tbody tr.hi').count();
    expect(front).toBeGreaterThan(0);
    expect(front).toBeLessThan(12);
    await page.getByText(/12 runs with accuracy; \d+ on the Pareto front/).waitFor();
    await screenshot(page, 'compare');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('schedule: the real GB forecast with the greenest window shaded, and a job with its saving', async () => {
    const { page, errors } = await open('/schedule?zone=GB&duration=3h&deadline=24h');
    await page.getByText('Best window (UTC)').waitFor();
    expect(await chartDescription(page, 'forecast')).toMatch(/grid intensity/);
    const window = await page.locator('dl.facts dd').first().textContent();
    expect(window).toMatch(/^2023-03-1[45] \d\d:\d\d → 2023-03-1[45] \d\d:\d\d$/);
    await page.getByText('nightly eval').waitFor();
    const plan = seeded.job.plan!;
    await page.getByText(`${formatMassG(plan.savingG)} (${formatPercent(plan.savingG / plan.immediateG)})`).waitFor();
    expect(plan.savingG).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'nightly eval' }).click();
    expect(await chartDescription(page, 'job')).toMatch(/grid intensity/);
    await screenshot(page, 'schedule');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('catalog: regions by intensity with the source of each figure', async () => {
    const { page, errors } = await open('/catalog?provider=gcp');
    expect(await chartDescription(page, 'regions')).toMatch(/grid intensity/);
    const rows = page.locator('table.data tbody tr');
    expect(await rows.count()).toBeGreaterThan(10);
    await rows.first().getByRole('button').click();
    await page.getByRole('heading', { name: /^region gcp:/ }).waitFor();
    await screenshot(page, 'catalog');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('budgets: every budget with its period, live actual, forecast and stored state in one request, then the last alerts', async () => {
    const { page, errors, requests } = await open('/budgets');
    await page.getByText('1 budget is in alarm.').waitFor();
    const row = page.locator('table.data').first().locator('tbody tr').first();
    const month = periodBounds('month', nowMs);
    const actual = (await full.store.runTotals({ project: 'vision', since: month.startMs, until: month.endMs })).totalG / 1000;
    expect(await row.locator('td').nth(0).textContent()).toBe('vision-monthly-co2');
    expect(await row.locator('td').nth(2).textContent()).toBe(`month (${month.key})`);
    expect(await row.locator('td').nth(3).textContent()).toBe('alarm');
    expect(await row.locator('td').nth(4).textContent()).toBe(budgetAmount(actual, 'kgCO2e'));
    expect(await row.locator('td').nth(7).textContent()).toBe(formatPercent(actual / 1));
    await page.getByRole('heading', { name: 'Last alerts' }).waitFor();
    await expect.poll(() => page.locator('table.data').nth(1).locator('tbody tr').count(), POLL).toBe(1);
    expect(requests.filter((r) => r.startsWith('/api/v1/budgets'))).toEqual([expect.stringMatching(/^\/api\/v1\/budgets\/status\?at=\d+$/)]);
    await screenshot(page, 'budgets');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows API errors with their message, asks for a token where the server needs one, and empty states say what to do', async () => {
    const { page } = await open('/runs/ZZZZZZZZ');
    await page.locator('.error').getByText('NOT_FOUND').waitFor();
    expect(await page.locator('.error').textContent()).toMatch(/No run "ZZZZZZZZ"/);
    await page.close();
    const fresh = await open('/', empty);
    await fresh.page.getByText('This server needs a token.').waitFor();
    await fresh.page.getByLabel('API token').fill(token.token);
    await fresh.page.getByRole('button', { name: 'Use token' }).click();
    await fresh.page.getByText('No runs yet.').waitFor();
    expect(await fresh.page.locator('.empty code').first().textContent()).toBe('greenml run -- python train.py');
    await screenshot(fresh.page, 'overview-empty');
    expect(fresh.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await fresh.page.close();
  });
});
