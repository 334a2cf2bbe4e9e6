/**
 * POST /api/v1/schedule as `greenml serve` wires it: startServe with --source file over the
 * committed NESO GB forecast (issued 2023-03-14T03:30Z), a real SQLite store and a real socket.
 * A job is planned on the file's values (the window core's search finds in them), stored as
 * pending and listed; bad input is refused with the planner's message and stores nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServe, type ServeFlags, type Serving } from '../../src/cli/commands/serve.js';
import { bestWindow, isGreenmlError, type JobRecord } from '../../src/core/index.js';
import { parseIntensityFile } from '../../src/intensity/index.js';

const FORECAST = fileURLToPath(new URL('../fixtures/intensity/files/gb-2023-03-14-forecast.csv', import.meta.url));
/** A morning peak in the forecast: the evening and night ahead are much cleaner (the file ends 2023-03-16T03:30Z). */
const NOW = Date.UTC(2023, 2, 15, 6, 0);
const HOUR_MS = 3_600_000;

let dir: string;
let serving: Serving | null;
const logs: string[] = [];

async function serve(flags: ServeFlags): Promise<Serving> {
  return startServe({ port: '0', db: join(dir, 'server.db'), web: dir, ...flags }, { env: {}, cwd: dir, nowMs: () => NOW, log: (l) => logs.push(l) });
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${serving!.url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: await res.json() };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-serve-schedule-'));
  serving = null;
  logs.length = 0;
});

afterEach(async () => {
  await serving?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('greenml serve: POST /api/v1/schedule', () => {
  it('plans a job in the greenest window of a file-backed source, stores it pending and lists it', async () => {
    serving = await serve({ source: 'file', file: [`GB=${FORECAST}`] });
    expect((await call('GET', '/api/v1/health')).body.features.schedule).toBe(true);
    const durationS = 3 * 3600;
    const deadlineMs = NOW + 21 * HOUR_MS;
    const r = await call('POST', '/api/v1/schedule', {
      project: 'nlp',
      name: 'nightly eval',
      command: ['python', 'eval.py'],
      durationS,
      deadlineMs,
      regions: ['GB'],
      energyKwh: 12,
      minSavingRatio: 0,
      labels: { gpu: 'a100' },
      // Sent by clients with their defaults: meaningless for a job that runs in one piece, so ignored.
      minChunkS: 0,
      maxPauses: 0,
    });
    expect(r.status).toBe(201);
    const job = r.body as JobRecord;

    // The same search over the file's own values, independently of the server.
    const points = parseIntensityFile(readFileSync(FORECAST, 'utf8'), { name: 'gb-2023-03-14-forecast.csv', zone: 'GB' }).series.points;
    const best = bestWindow(points, { durationS, earliestStartMs: NOW, deadlineMs, energyKwh: 12 });
    expect(best.startMs).toBeGreaterThan(NOW);
    expect(job).toMatchObject({
      project: 'nlp',
      name: 'nightly eval',
      command: ['python', 'eval.py'],
      state: 'pending',
      labels: { gpu: 'a100' },
      dueAtMs: best.startMs,
      spec: { durationS, earliestStartMs: NOW, deadlineMs, regions: ['GB'], interruptible: false, minChunkS: 0, maxPauses: 0 },
    });
    const plan = job.plan as unknown as Record<string, any>;
    expect(plan.windows).toEqual([{ startMs: best.startMs, endMs: best.endMs }]);
    expect(plan.expectedG).toBeCloseTo(best.co2eG, 6);
    expect(plan.immediateG).toBeCloseTo(best.baseline.co2eG, 6);
    expect(plan.savingG).toBeGreaterThan(0);
    expect(plan.energy).toMatchObject({ kwh: 12, basis: 'given' });
    expect(plan.forecast.source).toContain('gb-2023-03-14-forecast.csv');
    expect(plan.sourceRef).toEqual({ id: 'file', files: [{ path: FORECAST, zone: 'GB' }] });

    const listed = await call('GET', '/api/v1/jobs');
    expect(listed.body.jobs.map((j: JobRecord) => j.id)).toEqual([job.id]);
    expect((await call('GET', `/api/v1/jobs/${job.id}`)).body).toEqual(job);
    expect(await serving.store.getJob(job.id)).toEqual(job);
  });

  it('refuses a deadline too early (422, the earliest finish named), unknown regions (404) and bad pause settings (400), storing nothing', async () => {
    serving = await serve({ source: 'file', file: [`GB=${FORECAST}`] });
    const base = { command: ['python', 'eval.py'], durationS: 2 * 3600, regions: ['GB'] };

    const early = await call('POST', '/api/v1/schedule', { ...base, deadlineMs: NOW + HOUR_MS });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('INFEASIBLE');
    expect(early.body.error.message).toContain(`finishes at ${new Date(NOW + 2 * HOUR_MS).toISOString().replace(':00.000Z', 'Z')} at the earliest`);
    expect(early.body.error.details.earliestFinishMs).toBe(NOW + 2 * HOUR_MS);

    for (const region of ['gcp:nowhere-9', 'not a zone!']) {
      const unknown = await call('POST', '/api/v1/schedule', { ...base, deadlineMs: NOW + 12 * HOUR_MS, regions: [region] });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('UNKNOWN_ID');
      expect(unknown.body.error.message).toContain(region);
    }

    const chunk = await call('POST', '/api/v1/schedule', { ...base, deadlineMs: NOW + 12 * HOUR_MS, interruptible: true, minChunkS: 0 });
    expect(chunk.status).toBe(400);
    expect(chunk.body.error.message).toMatch(/minimum chunk must be a positive duration/);

    const resume = await call('POST', '/api/v1/schedule', { ...base, deadlineMs: NOW + 12 * HOUR_MS, resumeCommand: ['python', 'eval.py', '--resume'] });
    expect(resume.status).toBe(400);
    expect(resume.body.error.message).toMatch(/need --interruptible/);

    expect((await call('GET', '/api/v1/jobs')).body.jobs).toEqual([]);
    expect((await serving.store.listJobs()).jobs).toEqual([]);
  });

  it('plans an interruptible job with its pause settings', async () => {
    serving = await serve({ source: 'file', file: [`GB=${FORECAST}`] });
    const r = await call('POST', '/api/v1/schedule', { command: ['python', 'train.py'], durationS: 4 * 3600, deadlineMs: NOW + 21 * HOUR_MS, regions: ['GB'], interruptible: true, minChunkS: 3600, maxPauses: 2, minSavingRatio: 0 });
    expect(r.status).toBe(201);
    expect(r.body.spec).toMatchObject({ interruptible: true, minChunkS: 3600, maxPauses: 2 });
    const windows = r.body.plan.windows as { startMs: number; endMs: number }[];
    expect(windows.length).toBeGreaterThanOrEqual(1);
    expect(windows.length).toBeLessThanOrEqual(3);
    expect(windows.reduce((a, w) => a + (w.endMs - w.startMs), 0)).toBe(4 * HOUR_MS);
    for (const w of windows) expect(w.endMs - w.startMs).toBeGreaterThanOrEqual(3600 * 1000);
  });

  it('refuses to start with a --file that names no zone, or an unknown --source', async () => {
    const failure = (flags: ServeFlags): Promise<unknown> => serve(flags).then(() => null, (e: unknown) => e);
    const plain = await failure({ source: 'file', file: [FORECAST] });
    expect(isGreenmlError(plain) && plain.code).toBe('INVALID_INPUT');
    expect((plain as Error).message).toContain(`name the zone the file is for, e.g. --file DE=${FORECAST}`);
    const unknown = await failure({ source: 'nope' });
    expect(isGreenmlError(unknown) && unknown.code).toBe('INVALID_INPUT');
    expect((unknown as Error).message).toContain('Invalid --source "nope"');
  });
});
