/**
 * One `greenml serve` on PostgreSQL with twenty concurrent `greenml run --server` clients and three
 * agents (all real processes of the built CLI; skipped with the reason when the database is
 * unreachable). Every client's run arrives as its own summary (--output) recorded it, with every
 * sample: each sample's cumulative energy is the previous one plus its own mean power times its
 * interval, from zero up to the run's total, so a lost or repeated batch would break the chain.
 * Jobs submitted through the server run once each on the agents meanwhile.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunRecord, Sample } from '../../src/core/index.js';
import { HttpStore, openStore } from '../../src/store/index.js';
import { loggingWorkload, newJob, probePostgres, reap, scratchSchema, startCli, until, type Proc } from './team-helpers.js';

const skip = await probePostgres();
if (skip) console.warn(`[team serve] skipped: ${skip}`);
const scratch = scratchSchema('serve');
const dir = mkdtempSync(join(tmpdir(), 'greenml-team-serve-'));
const procs: Proc[] = [];
const env = (): NodeJS.ProcessEnv => ({ ...process.env, NO_COLOR: '1', XDG_DATA_HOME: dir, GREENML_DB: '', GREENML_TOKEN: '', GREENML_INTERVAL: '0.2s', TZ: 'UTC' });

afterEach(async () => {
  await reap(procs);
});
afterAll(async () => {
  if (!skip) await scratch.drop();
});

const CLIENTS = 20;
const JOBS = 9;
const J_PER_KWH = 3.6e6;

/** Each sample's cumulative energy is the previous one plus its mean power times its interval. */
function chainBreaks(samples: Sample[]): string[] {
  const breaks: string[] = [];
  const prev = { cpuJ: 0, gpuJ: 0, memoryJ: 0 };
  for (const [i, s] of samples.entries()) {
    for (const [k, w] of [['cpuJ', s.cpuW], ['gpuJ', s.gpuW], ['memoryJ', s.memoryW]] as const) {
      const want = prev[k] + (w ?? 0) * s.dtS;
      if (Math.abs(s[k] - want) > 1e-9 * Math.max(1, Math.abs(want))) breaks.push(`sample ${i} ${k}: ${s[k]} != ${want}`);
      prev[k] = s[k];
    }
  }
  return breaks;
}

describe.skipIf(skip !== null)('greenml serve on PostgreSQL with twenty clients and three agents', () => {
  it('receives every run and sample the clients measured, while the agents run each job once', async () => {
    const server = startCli(['serve', '--db', scratch.url, '--port', '0', '--json'], env(), dir);
    procs.push(server);
    await until('the server to listen', () => server.stdout().includes('\n') || server.child.exitCode !== null, 20_000);
    const url = (JSON.parse(server.stdout().split('\n')[0] as string) as { listening: string }).listening;

    const agents = [0, 1, 2].map((k) => {
      const a = startCli(['agent', '--db', scratch.url, '--poll', '200ms', '--lease', '10s', '--id', `serve-agent-${k}`, '--labels', 'pool=serve'], env(), dir);
      procs.push(a);
      return a;
    });
    // Jobs reach the agents through the server's API (POST /api/v1/jobs); the agents adopt them from the Store.
    const remote = new HttpStore({ url });
    const now = Date.now();
    const jobIds = Array.from({ length: JOBS }, (_, i) => `serve-job-${i}-${now.toString(36)}`);
    for (const [i, id] of jobIds.entries()) {
      await remote.createJob(newJob(id, { nowMs: now, dueAtMs: now + 1500 + i * 100, command: loggingWorkload(join(dir, 'jobs.log'), id, 0.2), labels: { pool: 'serve' } }));
    }

    const clients = Array.from({ length: CLIENTS }, (_, k) => {
      const out = join(dir, `client-${k}.json`);
      const p = startCli(
        ['run', '--server', url, '--project', 'clients', '--name', `client-${k}`, '--interval', '0.2s', '--flush-every', '0.5s', '--output', out, '-q', '--',
          'sh', '-c', 'i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done'],
        env(),
        dir,
      );
      procs.push(p);
      return { p, out };
    });
    const codes = await Promise.all(clients.map(async (c) => (await c.p.exited).code));
    expect(codes, clients.map((c) => c.p.stderr()).join('\n')).toEqual(clients.map(() => 0));
    for (const c of clients) expect(c.p.stderr()).not.toMatch(/kept locally/);

    // Migrated by the server already.
    const store = await openStore(scratch.url, { poolSize: 3, migrate: false });
    try {
      await until('every job to end', async () => (await Promise.all(jobIds.map((id) => store.getJob(id)))).every((j) => j?.state === 'succeeded' || j?.state === 'failed'), 30_000, 250);
      for (const a of agents) a.child.kill('SIGTERM');
      for (const a of agents) expect((await a.exited).code, a.stderr()).toBe(0);
      server.child.kill('SIGTERM');
      expect((await server.exited).code, server.stderr()).toBe(0);

      const measured = clients.map((c) => (JSON.parse(readFileSync(c.out, 'utf8')) as { run: RunRecord }).run);
      expect(await store.countRuns({ project: 'clients' })).toBe(CLIENTS);
      let samples = 0;
      for (const m of measured) {
        const stored = (await store.getRun(m.id)) as RunRecord;
        expect(stored).toMatchObject({
          id: m.id, status: 'succeeded', exitCode: 0, startedAt: m.startedAt, endedAt: m.endedAt,
          durationS: m.durationS, cpuKwh: m.cpuKwh, gpuKwh: m.gpuKwh, memoryKwh: m.memoryKwh, energyKwh: m.energyKwh, totalG: m.totalG,
        });
        const got = await store.listSamples(m.id);
        samples += got.length;
        expect(got.length).toBeGreaterThan(1);
        expect(chainBreaks(got)).toEqual([]);
        const last = got.at(-1) as Sample;
        const totalJ = last.cpuJ + last.gpuJ + last.memoryJ;
        expect(totalJ).toBeCloseTo((m.cpuKwh + m.gpuKwh + m.memoryKwh) * J_PER_KWH, 6);
        expect(new Set(got.map((s) => s.t)).size).toBe(got.length);
      }

      const jobs = await Promise.all(jobIds.map(async (id) => store.getJob(id)));
      expect(jobs.map((j) => [j?.state, j?.attempts])).toEqual(jobIds.map(() => ['succeeded', 1]));
      const jobRuns = (await store.listRuns({ limit: 1000 })).runs.filter((r) => r.jobId !== null && jobIds.includes(r.jobId));
      expect(jobRuns.map((r) => r.jobId).sort()).toEqual([...jobIds].sort());
      console.log(`[team serve] ${CLIENTS} clients: ${CLIENTS} runs and ${samples} samples arrived; ${JOBS} jobs on agents ${JSON.stringify(jobs.map((j) => j?.agentId))}`);
    } finally {
      await store.close();
    }
  }, 120_000);
});
