/**
 * Webhook delivery against a real HTTP receiver (node:http on 127.0.0.1, an ephemeral port) with
 * Node's own fetch. Only time is injected: `sleep` records the backoff instead of waiting it out.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluateBudget, validateBudgetSpec, type Budget, type BudgetAlert, type BudgetEvalState } from '../core/index.js';
import { deliverAlert, deliverAlerts, type DeliveryOptions } from './alerts.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

let server: Server;
let base = '';
let received: Received[] = [];
/** What the receiver answers, request by request; the last entry repeats. */
let script: { status: number; headers?: Record<string, string>; hang?: boolean }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const step = script[Math.min(received.length - 1, script.length - 1)] ?? { status: 200 };
      if (step.hang) return; // never answers: the sender's timeout must end the attempt
      res.writeHead(step.status, { 'content-type': 'text/plain', ...step.headers });
      res.end(step.status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  script = [{ status: 200 }];
});

const budget: Budget = {
  id: 'b-42',
  ...validateBudgetSpec({
    name: 'vision-carbon',
    kind: 'co2e',
    limit: '2kg',
    period: 'month',
    scope: { project: 'vision' },
    notifications: [{ type: 'actual', threshold: 50 }, { type: 'actual', threshold: 100 }],
  }),
};

function alertAt(actualKg: number): BudgetAlert {
  const alert = evaluateBudget(budget, { actual: actualKg, forecast: null, nowMs: Date.UTC(2026, 2, 10) }, null).notificationsToSend[0];
  if (!alert) throw new Error('expected an alert');
  return alert;
}

function options(over: Partial<DeliveryOptions> = {}): DeliveryOptions & { waits: number[] } {
  const waits: number[] = [];
  let clock = Date.UTC(2026, 2, 10);
  return {
    fetch: (url, init) => fetch(url, init),
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    nowMs: () => clock,
    jitter: () => 1,
    ...over,
    waits,
  };
}

describe('deliverAlert', () => {
  it('delivers once per crossing: a month of evaluations posts exactly the two crossings', async () => {
    let state: BudgetEvalState | null = null;
    const records = [];
    for (const [day, kg] of [[1, 0.2], [5, 0.9], [8, 1.1], [9, 1.3], [15, 1.9], [20, 2.2], [25, 2.6]] as const) {
      const r = evaluateBudget(budget, { actual: kg, forecast: null, nowMs: Date.UTC(2026, 2, day) }, state);
      state = r.nextState;
      records.push(...(await deliverAlerts(r.notificationsToSend, [{ url: `${base}/hook`, format: 'json' }], options())));
    }
    expect(records.map((r) => [r.delivered, r.attempts.length])).toEqual([[true, 1], [true, 1]]);
    expect(received.map((r) => (r.body as { notification: { threshold: number } }).notification.threshold)).toEqual([50, 100]);
    const first = received[0] as Received;
    expect(first.path).toBe('/hook');
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['idempotency-key']).toBe(records[0]?.dedupeKey);
    expect(first.body).toMatchObject({
      type: 'greenml.budget.alert',
      version: 1,
      state: 'ALARM',
      at: '2026-03-08T00:00:00.000Z',
      budget: { id: 'b-42', name: 'vision-carbon', kind: 'co2e', scope: { project: 'vision' }, limit: { amount: 2, unit: 'kgCO2e' } },
      amount: 1.1,
      thresholdAmount: 1,
      unit: 'kgCO2e',
      period: { name: 'month', key: '2026-03', start: '2026-03-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' },
    });
  });

  it('retries 500, 500 then 200: exactly 3 attempts, backing off 1 s then 2 s', async () => {
    script = [{ status: 500 }, { status: 500 }, { status: 200 }];
    const opts = options();
    const record = await deliverAlert(alertAt(1.2), { url: `${base}/flaky`, format: 'json' }, opts);
    expect(received).toHaveLength(3);
    expect(record.delivered).toBe(true);
    expect(record.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(opts.waits).toEqual([1000, 2000]);
    expect(record.attempts.map((a) => a.waitedMs)).toEqual([0, 1000, 2000]);
    expect(record.error).toBeNull();
    // Every retry carries the same idempotency key, so the receiver can drop duplicates.
    expect(new Set(received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('does not retry a 400: the receiver rejected the request itself', async () => {
    script = [{ status: 400 }];
    const record = await deliverAlert(alertAt(1.2), { url: `${base}/bad`, format: 'json' }, options());
    expect(received).toHaveLength(1);
    expect(record).toMatchObject({ delivered: false, status: 400 });
    expect(record.error).toMatch(/HTTP 400 \(not retried/);
  });

  it('waits as long as a 429 Retry-After asks, and gives up after maxAttempts', async () => {
    script = [{ status: 429, headers: { 'retry-after': '7' } }, { status: 503 }];
    const opts = options({ maxAttempts: 3, jitter: () => 0 });
    const record = await deliverAlert(alertAt(1.2), { url: `${base}/busy`, format: 'json' }, opts);
    expect(received).toHaveLength(3);
    // Equal jitter at 0 halves the backoff (500 ms), but Retry-After asks for 7 s; then 2000 x 0.5.
    expect(opts.waits).toEqual([7000, 1000]);
    expect(record).toMatchObject({ delivered: false, status: 503, error: 'HTTP 503' });
  });

  it('retries network errors: a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const record = await deliverAlert(alertAt(1.2), { url: `http://127.0.0.1:${port}/gone`, format: 'json' }, options({ maxAttempts: 3 }));
    expect(record.attempts).toHaveLength(3);
    expect(record.delivered).toBe(false);
    expect(record.status).toBeNull();
    expect(record.error).toMatch(/ECONNREFUSED/);
  });

  it('ends an attempt that gets no answer after the timeout, and retries it', async () => {
    script = [{ status: 200, hang: true }, { status: 200 }];
    const record = await deliverAlert(alertAt(1.2), { url: `${base}/slow`, format: 'json' }, options({ timeoutMs: 150 }));
    expect(record.attempts.map((a) => [a.status, a.error])).toEqual([[null, 'timed out'], [200, null]]);
    expect(record.delivered).toBe(true);
  });

  it('posts a Slack-compatible message when the webhook says so', async () => {
    await deliverAlert(alertAt(2.4), { url: `${base}/slack`, format: 'slack' }, options());
    const body = received[0]?.body as { text: string; blocks: { type: string }[] };
    expect(body.text).toBe('Actual co2e for budget "vision-carbon" (project vision, 2026-03) is 2.4 kg CO2e, 120 % of the 2 kg CO2e limit (threshold 1 kg CO2e).');
    expect(body.blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect(JSON.stringify(body.blocks)).toContain('greenml budget alert');
  });
});
