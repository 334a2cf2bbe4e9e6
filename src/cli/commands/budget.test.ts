/**
 * `greenml budget` end to end: real SQLite stores in a temporary folder (and PostgreSQL when it is
 * reachable, for the concurrency check), a real HTTP receiver on 127.0.0.1, Node's own fetch.
 * Only the clock is injected, so a check can happen "next month".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { evaluateBudgets, setBudget, type RunningPrediction } from '../../app/index.js';
import type { RunPrediction, RunRecord } from '../../core/index.js';
import { makeRun } from '../../store/fixtures.contract.js';
import { postgresHarness, probePostgres } from '../../store/harness.contract.js';
import { openStore, type Store } from '../../store/index.js';
import { runBudgetCheck, runBudgetShow, type BudgetDeps } from './budget-action.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, any>;
}

let dir: string;
let server: Server;
let base = '';
let received: Received[] = [];
let answer = 200;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-budget-'));
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(answer, { 'content-type': 'text/plain' });
      res.end(answer < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  received = [];
  answer = 200;
  process.env.NO_COLOR = '1';
  delete process.env.GREENML_DB;
});

const freshDb = (): string => join(dir, `g-${++n}.db`);
const MARCH = (day: number, hour = 12): number => Date.UTC(2026, 2, day, hour);
const noSleep = async (): Promise<void> => undefined;

function deps(db: string, nowMs: number): BudgetDeps {
  return { nowMs, fetch: globalThis.fetch, sleep: noSleep, openStore: () => openStore(db) };
}

/** Runs an action with stdout and stderr captured. */
async function capture(fn: () => Promise<void>): Promise<string> {
  let out = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  try {
    await fn();
    return out;
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const check = (db: string, nowMs: number, flags: Parameters<typeof runBudgetCheck>[0] = {}): Promise<string> => capture(() => runBudgetCheck(flags, deps(db, nowMs)));

async function withStore<T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(db);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** A finished run of `kg` kg CO2e (and as many kWh, and $10 per kg). */
const finished = (id: string, startedAt: number, kg: number, over: Partial<RunRecord> = {}): RunRecord =>
  makeRun(id, {
    project: 'vision',
    status: 'succeeded',
    startedAt,
    endedAt: startedAt + 3_600_000,
    heartbeatAt: startedAt + 3_600_000,
    durationS: 3600,
    gpuKwh: kg,
    energyKwh: kg,
    operationalG: kg * 900,
    embodiedG: kg * 100,
    totalG: kg * 1000,
    costUsd: kg * 10,
    ...over,
  });

const json = async (args: string[]): Promise<any> => {
  const r = await runCli([...args, '--json']);
  expect(r.stderr, r.stdout).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

describe('greenml budget set|list|show|rm', () => {
  it('creates a budget, lists it, changes it by name and removes it', async () => {
    const db = freshDb();
    const created = await json(['budget', 'set', 'vision-carbon', '--amount', '2kg', '--period', 'month', '--project', 'vision', '--notify', 'actual:80%', '--notify', 'forecasted:100%', '--webhook', `${base}/hook`, '--db', db]);
    expect(created.created).toBe(true);
    expect(created.budget).toMatchObject({
      name: 'vision-carbon',
      kind: 'co2e',
      limit: { amount: 2, unit: 'kgCO2e' },
      period: 'month',
      scope: { project: 'vision' },
      notifications: [
        { type: 'actual', threshold: 80, thresholdType: 'percentage' },
        { type: 'forecasted', threshold: 100, thresholdType: 'percentage' },
      ],
      webhooks: [{ url: `${base}/hook`, format: 'json' }],
    });
    const updated = await json(['budget', 'set', 'vision-carbon', '--amount', '3kg', '--slack', '--db', db]);
    expect(updated.created).toBe(false);
    expect(updated.budget.id).toBe(created.budget.id);
    // Flags not given keep their values.
    expect(updated.budget).toMatchObject({ limit: { amount: 3 }, period: 'month', scope: { project: 'vision' }, webhooks: [{ url: `${base}/hook`, format: 'slack' }] });
    expect(updated.budget.notifications).toHaveLength(2);

    await json(['budget', 'set', 'team-cost', '--amount', '300', '--kind', 'cost', '--period', 'quarter', '--db', db]);
    const listed = await json(['budget', 'list', '--db', db]);
    expect(listed.map((r: any) => r.budget.name)).toEqual(['team-cost', 'vision-carbon']);
    expect(listed[0]).toMatchObject({ actual: 0, state: null, lastAlert: null, budget: { notifications: [{ type: 'actual', threshold: 100 }] } });

    const text = await runCli(['budget', 'list', '--db', db]);
    expect(text.stdout).toMatch(/team-cost\s+all projects\s+cost\s+quarter 20\d\d-Q\d\s+\$300\.00\s+\$0\.00/);
    expect(text.stdout).toMatch(/vision-carbon\s+vision\s+co2e\s+month/);

    const shown = await runCli(['budget', 'show', 'vision-carbon', '--db', db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/co2e, 3 kg CO2e per month, project vision; notify on actual > 80 %, forecasted > 100 %; 127\.0\.0\.1:\d+ \(slack\)/);
    expect(shown.stdout).toMatch(/No alerts yet/);

    const removed = await json(['budget', 'rm', 'vision-carbon', '--db', db]);
    expect(removed.removed.name).toBe('vision-carbon');
    const gone = await runCli(['budget', 'show', 'vision-carbon', '--db', db]);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toMatch(/No budget named "vision-carbon"/);
    expect((await json(['budget', 'list', '--db', db])).map((r: any) => r.budget.name)).toEqual(['team-cost']);
  });

  it.each([
    [['--amount=-2kg'], /greater than zero/],
    [['--amount', '2'], /has no unit: write 2kg/],
    [['--amount', '10', '--kind', 'energy'], /Invalid --amount "10": give an amount with a unit, e.g. 500Wh or 10kWh/],
    [['--amount', '2kg', '--period', 'fortnight'], /--period must be one of day, week, month, quarter, year, run, got "fortnight"/],
    [['--amount', '2kg', '--period', 'mnth'], /Did you mean month/],
    [['--amount', '2kg', '--kind', 'carbon'], /--kind must be one of energy, co2e, cost/],
    [['--amount', '2kg', '--webhook', 'ftp://example.com/x'], /is not an http\(s\) URL/],
    [['--amount', '2kg', '--webhook', 'hooks.example.com/x'], /is not an http\(s\) URL/],
    [['--amount', '2kg', '--webhook', 'http://example.com:99999/'], /ports run from 1 to 65535/],
    [['--amount', '2kg', '--notify', 'actual:80'], /add % for a share of the limit \(actual:80%\)/],
    [['--amount', '2kg', '--notify', 'predicted:80%'], /type must be actual or forecasted/],
    [['--amount', '2kg', '--notify', 'actual:-5%'], /positive/],
    [['--amount', '2kg', '--kind', 'energy'], /Invalid --amount "2kg"/],
    [['--period', 'month'], /does not exist yet: give its limit with --amount/],
    [['--amount', '2kg', '--project', 'a', '--global'], /--project or --global, not both/],
  ])('refuses %j with exit 2 and stores nothing', async (flags, message) => {
    const db = freshDb();
    const r = await runCli(['budget', 'set', 'bad', ...flags, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(await json(['budget', 'list', '--db', db])).toEqual([]);
  });

  it('keeps a stored budget unchanged when an update is refused', async () => {
    const db = freshDb();
    await json(['budget', 'set', 'b', '--amount', '2kg', '--db', db]);
    const r = await runCli(['budget', 'set', 'b', '--amount', '5kWh', '--db', db]);
    expect(r.code).toBe(0); // a new unit changes the kind with it
    const bad = await runCli(['budget', 'set', 'b', '--kind', 'cost', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/limit.unit must be USD for a cost budget/);
    const [row] = await json(['budget', 'list', '--db', db]);
    expect(row.budget).toMatchObject({ kind: 'energy', limit: { amount: 5, unit: 'kWh' } });
  });
});

describe('greenml budget check: alerts end to end', () => {
  it('posts exactly one webhook when 80 % of a monthly budget is crossed, nothing on the next check, and again next month', async () => {
    const db = freshDb();
    await json(['budget', 'set', 'vision-carbon', '--amount', '2kg', '--project', 'vision', '--notify', 'actual:80%', '--notify', 'actual:100%', '--webhook', `${base}/alerts`, '--db', db]);
    await withStore(db, async (s) => {
      await s.createRun(finished('r1', MARCH(2), 1.0));
      await s.createRun(finished('other-project', MARCH(2), 5.0, { project: 'nlp' }));
    });
    const first = await check(db, MARCH(5));
    expect(first).toMatch(/Nothing fired/);
    expect(received).toHaveLength(0);

    await withStore(db, (s) => s.createRun(finished('r2', MARCH(6), 0.7)));
    const second = await check(db, MARCH(7));
    expect(received).toHaveLength(1);
    expect(second).toMatch(/ALERT "vision-carbon" 2026-03: actual > 80 %: 1\.7 kg CO2e of 2 kg CO2e \(1 of 1 webhook\(s\) delivered\)/);
    const hook = received[0] as Received;
    expect(hook.path).toBe('/alerts');
    expect(hook.headers['content-type']).toBe('application/json');
    expect(hook.body).toMatchObject({
      type: 'greenml.budget.alert',
      state: 'ALARM',
      budget: { name: 'vision-carbon', kind: 'co2e', scope: { project: 'vision' }, limit: { amount: 2, unit: 'kgCO2e' } },
      notification: { type: 'actual', threshold: 80, thresholdType: 'percentage' },
      unit: 'kgCO2e',
      period: { name: 'month', key: '2026-03' },
    });
    expect(hook.body['amount']).toBeCloseTo(1.7, 9);
    expect(hook.headers['idempotency-key']).toBe(hook.body['id']);

    expect(await check(db, MARCH(8))).toMatch(/Nothing fired/);
    expect(await check(db, MARCH(9))).toMatch(/ALARM/);
    expect(received).toHaveLength(1);

    // April: a new period, the notifications re-arm; 1.7 kg in April crosses 80 % again.
    await withStore(db, (s) => s.createRun(finished('r3', Date.UTC(2026, 3, 2), 1.7)));
    await check(db, Date.UTC(2026, 3, 3));
    expect(received).toHaveLength(2);
    expect(received[1]?.body).toMatchObject({ period: { key: '2026-04' }, notification: { threshold: 80 } });
    expect(received[1]?.body['id']).not.toBe(received[0]?.body['id']);

    const detail = JSON.parse(await capture(() => runBudgetShow('vision-carbon', { json: true }, deps(db, Date.UTC(2026, 3, 3)))));
    expect(detail.states.map((s: any) => [s.periodKey, s.status, s.alarms])).toEqual([
      ['2026-04', 'alarm', ['actual:percentage:80']],
      ['2026-03', 'alarm', ['actual:percentage:80']],
    ]);
    expect(detail.alerts).toHaveLength(2);
    expect(detail.alerts[0]).toMatchObject({ event: 'alarm', deliveryState: 'delivered', budgetState: { from: null, to: 'alarm' } });
    expect(detail.alerts[0].deliveries[0]).toMatchObject({ delivered: true, status: 200, attempts: [{ status: 200 }] });
    const text = await capture(() => runBudgetShow('vision-carbon', {}, deps(db, Date.UTC(2026, 3, 3))));
    expect(text).toMatch(/2026-04\s+actual > 80 %\s+OK -> ALARM\s+amount 1\.7 kg CO2e/);
    expect(text).toMatch(/127\.0\.0\.1:\d+ \(json\): delivered, 1 attempt\(s\): 200/);
    const list = await runCli(['budget', 'list', '--db', db]);
    expect(list.stdout).toMatch(/vision-carbon .* 2026-04-03 00:00Z actual > 80 % \(delivered\)/);
  });

  it('sends Slack messages to Slack webhooks', async () => {
    const db = freshDb();
    await json(['budget', 'set', 'cost', '--amount', '$20', '--webhook', `${base}/slack`, '--slack', '--db', db]);
    await withStore(db, (s) => s.createRun(finished('c1', MARCH(10), 2.5)));
    await check(db, MARCH(11));
    expect(received).toHaveLength(1);
    expect(received[0]?.body['text']).toMatch(/^Actual cost for budget "cost" \(all projects, 2026-03\) is \$25\.00, 125 % of the \$20\.00 limit/);
    expect(received[0]?.body['blocks']).toHaveLength(2);
  });

  it('records a refused delivery as failed and does not send it again', async () => {
    const db = freshDb();
    await json(['budget', 'set', 'e', '--amount', '1kWh', '--webhook', `${base}/gone`, '--db', db]);
    await withStore(db, (s) => s.createRun(finished('e1', MARCH(10), 1.5)));
    answer = 404;
    const out = await check(db, MARCH(11));
    expect(out).toMatch(/0 of 1 webhook\(s\) delivered/);
    expect(received).toHaveLength(1); // a 4xx is not retried
    answer = 200;
    await check(db, MARCH(12));
    expect(received).toHaveLength(1);
    const text = await capture(() => runBudgetShow('e', {}, deps(db, MARCH(12))));
    expect(text).toMatch(/\(json\): failed, 1 attempt\(s\): 404/);
  });

  it('records a recovery when the amount falls back, and a later crossing is sent again', async () => {
    const db = freshDb();
    await json(['budget', 'set', 'v', '--amount', '2kg', '--notify', 'actual:50%', '--webhook', `${base}/h`, '--db', db]);
    await withStore(db, (s) => s.createRun(finished('v1', MARCH(3), 1.5)));
    await check(db, MARCH(4));
    await withStore(db, (s) => s.deleteRun('v1'));
    await check(db, MARCH(5));
    await withStore(db, (s) => s.createRun(finished('v2', MARCH(6), 1.2)));
    await check(db, MARCH(7));
    expect(received).toHaveLength(2);
    const detail = JSON.parse(await capture(() => runBudgetShow('v', { json: true }, deps(db, MARCH(7)))));
    expect(detail.alerts.map((a: any) => [a.event, a.budgetState.from, a.budgetState.to, a.deliveryState])).toEqual([
      ['alarm', 'ok', 'alarm', 'delivered'],
      ['ok', 'alarm', 'ok', 'none'],
      ['alarm', null, 'alarm', 'delivered'],
    ]);
  });

  it('fires a forecasted notification from the running runs\' predictions, per-run budgets per run', async () => {
    const db = freshDb();
    const store = await openStore(db);
    try {
      const now = MARCH(2); // early in the month: the forecast is what is committed
      const { budget: monthly } = await setBudget({ store, nowMs: now, input: { name: 'm', kind: 'co2e', limit: '2kg', period: 'month', notifications: [{ type: 'forecasted', threshold: 100 }], webhooks: [`${base}/f`] } });
      const { budget: perRun } = await setBudget({ store, nowMs: now - 1, input: { name: 'per-run', kind: 'energy', limit: '1kWh', period: 'run', notifications: [{ threshold: 100 }], webhooks: [`${base}/r`] } });
      await store.createRun(makeRun('live', { project: 'vision', startedAt: now - 600_000, energyKwh: 0.5, totalG: 500 }));
      const prediction = {
        status: 'ok', fraction: 0.25, atMs: now, elapsedS: 600, sinceProgressS: 0, remainingS: null, durationS: null,
        energyKwh: { central: 2.2, low: 1.8, high: 2.4 }, co2eG: { central: 2200, low: 1800, high: 2400 }, costUsd: null,
        progressPerS: null, powerW: 3000, actual: { energyKwh: 0.5, co2eG: 500, costUsd: null }, pointsUsed: 5, notes: [],
      } as unknown as RunPrediction;
      const running: RunningPrediction[] = [{ runId: 'live', project: 'vision', startedAt: now - 600_000, prediction }];
      const opts = { store, fetch: globalThis.fetch, sleep: noSleep };
      const r = await evaluateBudgets({ ...opts, nowMs: now, runningPredictions: running });
      const m = r.checks.find((c) => c.budgetId === monthly.id);
      expect(m).toMatchObject({ actual: 0.5, forecastBasis: 'committed-only', state: 'alarm' });
      expect(m?.forecast).toBeCloseTo(2.2, 9);
      const pr = r.checks.find((c) => c.budgetId === perRun.id);
      expect(pr).toMatchObject({ runId: 'live', actual: 0.5, forecastBasis: 'run-prediction', state: 'ok' });
      expect(pr?.forecast).toBeCloseTo(2.2, 9);
      expect(received.map((x) => x.path)).toEqual(['/f']);

      // The run ends at 1.5 kWh: the per-run budget fires once for it, and once for the next run over.
      await store.updateRun('live', { status: 'succeeded', energyKwh: 1.5, totalG: 1500, endedAt: now + 1000 });
      await evaluateBudgets({ ...opts, nowMs: now + 2000, runIds: ['live'] });
      const again = await evaluateBudgets({ ...opts, nowMs: now + 3000, runIds: ['live'] });
      expect(again.checks.find((c) => c.runId === 'live')?.outcome).toBe('unchanged');
      await store.createRun(finished('next', now + 4000, 1.2, { project: 'nlp' }));
      await evaluateBudgets({ ...opts, nowMs: now + 5000, budgetIds: ['per-run'] });
      expect(received.map((x) => x.path)).toEqual(['/f', '/r', '/r']);
      expect(received[2]?.body['period']).toMatchObject({ name: 'run', key: 'run:next' });
      // An evaluation older than the stored one changes nothing.
      const old = await evaluateBudgets({ ...opts, nowMs: now - 5000, budgetIds: ['m'] });
      expect(old.checks[0]?.outcome).toBe('stale');
    } finally {
      await store.close();
    }
  });

  it('delivers an alert left pending by an evaluator that died, once', async () => {
    const db = freshDb();
    const store = await openStore(db);
    try {
      const { budget } = await setBudget({ store, nowMs: MARCH(1), input: { name: 'p', kind: 'co2e', limit: '1kg', period: 'month', notifications: [{ threshold: 50 }], webhooks: [`${base}/p`] } });
      await store.createRun(finished('p1', MARCH(3), 0.8));
      // Evaluate with a fetch that never gets to send: the process "dies" while delivering.
      const dying = evaluateBudgets({ store, nowMs: MARCH(4), fetch: () => new Promise(() => undefined), sleep: noSleep, delivery: { timeoutMs: 0 } });
      await vi.waitFor(async () => expect((await store.listAlerts({ budgetId: budget.id }))[0]?.deliveryState).toBe('sending'));
      void dying;
      // Before the claim runs out nobody else sends it; after, the next check does, once.
      await evaluateBudgets({ store, nowMs: MARCH(4) + 60_000, fetch: globalThis.fetch, sleep: noSleep });
      expect(received).toHaveLength(0);
      const later = await evaluateBudgets({ store, nowMs: MARCH(4) + 10 * 60_000, fetch: globalThis.fetch, sleep: noSleep });
      expect(received).toHaveLength(1);
      expect(later.sent.map((a) => a.deliveryState)).toEqual(['delivered']);
      await evaluateBudgets({ store, nowMs: MARCH(4) + 20 * 60_000, fetch: globalThis.fetch, sleep: noSleep });
      expect(received).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});

const pgSkip = await probePostgres();
const pg = postgresHarness('budget_cli');
afterAll(async () => {
  if (!pgSkip) await pg.cleanup();
});

describe('budget evaluation under concurrency', () => {
  async function race(stores: Store[]): Promise<void> {
    const [first] = stores;
    if (!first) throw new Error('no store');
    await setBudget({ store: first, nowMs: MARCH(1), input: { name: 'race', kind: 'co2e', limit: '1kg', period: 'month', notifications: [{ threshold: 80 }, { threshold: 100 }], webhooks: [`${base}/race`] } });
    await first.createRun(finished('race-1', MARCH(2), 1.5));
    const results = await Promise.all(stores.map((store) => evaluateBudgets({ store, nowMs: MARCH(3), fetch: globalThis.fetch, sleep: noSleep })));
    // Both notifications crossed once: two alerts recorded and two posts, whoever sent them.
    expect(received).toHaveLength(2);
    expect(new Set(received.map((r) => r.body['id'])).size).toBe(2);
    expect(results.flatMap((r) => r.checks.flatMap((c) => c.alerts))).toHaveLength(2);
    expect(await first.listAlerts({})).toHaveLength(2);
  }

  it('records and sends each crossing once with four evaluators on one SQLite store', async () => {
    const store = await openStore(freshDb());
    try {
      await race([store, store, store, store]);
    } finally {
      await store.close();
    }
  });

  it.skipIf(pgSkip !== null)('records and sends each crossing once with four evaluators on four PostgreSQL pools', async () => {
    const first = await pg.make();
    const peers = [first, await pg.peer(first), await pg.peer(first), await pg.peer(first)];
    try {
      await race(peers);
    } finally {
      await Promise.all(peers.map((p) => p.close()));
    }
  });
});
