/**
 * The Store contract: what every adapter (sqlite, postgres, and later http) must do, run by each
 * adapter's test file with its own factory. `makeStore` returns a fresh, empty, migrated store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GreenmlError, type JobRecord, type RunRecord } from '../core/index.js';
import { T0, makeJob, makeMetric, makeRun, makeSample, makeSamples, makeToken, richRun } from './fixtures.contract.js';
import type { Store } from './store.js';
import { describeBudgetContract } from './budgets.contract.js';

export interface ContractOptions {
  /** When set, the suite is skipped and this reason printed (e.g. PostgreSQL unreachable). */
  skip?: string | null;
  /** Opens another handle (another pool or connection) on the same database as `store`. */
  openPeer?: (store: Store) => Promise<Store>;
}

export async function expectError(p: Promise<unknown>, code: GreenmlError['code'], message?: RegExp): Promise<GreenmlError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, `expected a ${code} error`).toBeInstanceOf(GreenmlError);
  const g = e as GreenmlError;
  expect(g.code).toBe(g.code === code ? code : `${code} (got ${g.code}: ${g.message})`);
  if (message) expect(g.message).toMatch(message);
  return g;
}

/** Creates runs a few at a time: enough to overlap on engines with a pool, bounded for SQLite. */
export async function createRuns(store: Store, runs: RunRecord[], parallel = 8): Promise<void> {
  for (let i = 0; i < runs.length; i += parallel) await Promise.all(runs.slice(i, i + parallel).map((r) => store.createRun(r)));
}

export function describeStore(name: string, makeStore: () => Promise<Store>, options: ContractOptions = {}): void {
  if (options.skip) {
    console.warn(`[store contract] ${name}: skipped: ${options.skip}`);
    describe.skip(`Store contract: ${name} (skipped: ${options.skip})`, () => {
      it('is skipped', () => undefined);
    });
    return;
  }

  describe(`Store contract: ${name}`, () => {
    const open: Store[] = [];
    const fresh = async (): Promise<Store> => {
      const s = await makeStore();
      open.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    describe('lifecycle and projects', () => {
      it('is migrated on open and migrate() is then a no-op', async () => {
        const s = await fresh();
        expect(await s.migrate()).toEqual({ applied: [] });
        expect(['sqlite', 'postgres', 'http']).toContain(s.kind);
      });

      it('lists projects with totals over their runs, including projects without runs', async () => {
        const s = await fresh();
        await s.ensureProject('empty-project');
        await s.ensureProject('empty-project');
        await s.createRun(makeRun('p-run-1', { project: 'alpha', energyKwh: 1.5, totalG: 300, costUsd: 2, startedAt: T0 }));
        await s.createRun(makeRun('p-run-2', { project: 'alpha', energyKwh: 0.5, totalG: 100, costUsd: null, startedAt: T0 + 5000 }));
        await s.createRun(makeRun('p-run-3', { project: 'beta', energyKwh: 2, totalG: 50, startedAt: T0 + 1 }));
        const projects = await s.listProjects();
        expect(projects).toEqual([
          { name: 'alpha', runs: 2, energyKwh: 2, totalG: 400, costUsd: 2, lastRunAt: T0 + 5000 },
          { name: 'beta', runs: 1, energyKwh: 2, totalG: 50, costUsd: null, lastRunAt: T0 + 1 },
          { name: 'empty-project', runs: 0, energyKwh: 0, totalG: 0, costUsd: null, lastRunAt: null },
        ]);
        await expectError(s.ensureProject(''), 'INVALID_INPUT');
      });
    });

    describe('runs', () => {
      it('round-trips every field: JSON footprint, nulls, unicode, large and tiny numbers', async () => {
        const s = await fresh();
        const rich = richRun('rich-run-0001');
        const bare = makeRun('bare-run-0001', {
          name: null, cwd: null, pid: null, location: null, instance: null, tags: {}, params: {}, command: [],
        });
        await s.createRun(rich);
        await s.createRun(bare);
        expect(await s.getRun(rich.id)).toEqual(rich);
        expect(await s.getRun(bare.id)).toEqual(bare);
        const listed = await s.listRuns({ sort: 'startedAt', order: 'desc' });
        expect(listed.runs).toEqual([rich, bare]);
      });

      it('refuses a second run with the same id', async () => {
        const s = await fresh();
        await s.createRun(makeRun('dup-run-1'));
        await expectError(s.createRun(makeRun('dup-run-1', { name: 'other' })), 'CONFLICT', /dup-run-1/);
        expect((await s.getRun('dup-run-1'))?.name).toBe('train dup-run-1');
      });

      it('rejects a malformed run without writing it', async () => {
        const s = await fresh();
        const e = await expectError(s.createRun(makeRun('bad-run-1', { energyKwh: Number.NaN })), 'INVALID_INPUT', /run\.energyKwh/);
        expect(e.details).toMatchObject({ field: 'run.energyKwh' });
        await expectError(s.createRun(makeRun('bad-run-2', { startedAt: 1.5 })), 'INVALID_INPUT', /startedAt/);
        await expectError(s.createRun(makeRun('bad-run-3', { status: 'done' as RunRecord['status'] })), 'INVALID_INPUT', /status/);
        await expectError(s.createRun(makeRun('bad-run-4', { name: 'nul\u0000byte' })), 'INVALID_INPUT', /NUL/);
        await expectError(
          s.createRun(makeRun('bad-run-5', { footprint: { ...richRun('x').footprint!, totalG: Number.POSITIVE_INFINITY } })),
          'INVALID_INPUT',
          /footprint\.totalG/,
        );
        expect(await s.countRuns()).toBe(0);
        expect(await s.listProjects()).toEqual([]);
      });

      it('updates a run: heartbeat, finalisation, JSON fields replaced whole', async () => {
        const s = await fresh();
        await s.createRun(makeRun('upd-run-1', { tags: { a: '1', b: '2' } }));
        const beat = await s.updateRun('upd-run-1', { heartbeatAt: T0 + 5000, durationS: 5, cpuKwh: 0.001, energyKwh: 0.0011 });
        expect(beat).toMatchObject({ heartbeatAt: T0 + 5000, durationS: 5, status: 'running', tags: { a: '1', b: '2' } });
        const done = await s.updateRun('upd-run-1', {
          status: 'succeeded', exitCode: 0, endedAt: T0 + 9000, footprint: richRun('x').footprint, tags: { c: '3' }, costUsd: 0.5,
        });
        expect(done.tags).toEqual({ c: '3' });
        expect(await s.getRun('upd-run-1')).toEqual(done);
        expect(done).toEqual({ ...makeRun('upd-run-1'), heartbeatAt: T0 + 5000, durationS: 5, cpuKwh: 0.001, energyKwh: 0.0011,
          status: 'succeeded', exitCode: 0, endedAt: T0 + 9000, footprint: richRun('x').footprint, tags: { c: '3' }, costUsd: 0.5 });
        // search text follows the patch
        await s.updateRun('upd-run-1', { name: 'Renamed Sweep' });
        expect((await s.listRuns({ search: 'renamed' })).runs.map((r) => r.id)).toEqual(['upd-run-1']);
      });

      it('refuses bad patches and unknown runs without changing anything', async () => {
        const s = await fresh();
        await s.createRun(makeRun('upd-run-2'));
        const before = await s.getRun('upd-run-2');
        await expectError(s.updateRun('upd-run-2', { totalG: Number.NaN }), 'INVALID_INPUT', /totalG/);
        await expectError(s.updateRun('upd-run-2', { id: 'other' } as never), 'INVALID_INPUT', /id/);
        await expectError(s.updateRun('no-such-run', { totalG: 1 }), 'NOT_FOUND', /no-such-run/);
        expect(await s.getRun('upd-run-2')).toEqual(before);
      });

      it('finds a run by a unique prefix of at least 6 characters and reports ambiguity', async () => {
        const s = await fresh();
        await createRuns(s, [makeRun('01HZX4AAAA'), makeRun('01HZX4AAAB'), makeRun('01HZX5BBBB'), makeRun('abc')]);
        expect((await s.getRun('01HZX5'))?.id).toBe('01HZX5BBBB');
        expect((await s.getRun('01HZX4AAAB'))?.id).toBe('01HZX4AAAB');
        expect((await s.getRun('abc'))?.id).toBe('abc');
        expect(await s.getRun('01HZX9')).toBeNull();
        const e = await expectError(s.getRun('01HZX4'), 'INVALID_INPUT', /01HZX4AAAA, 01HZX4AAAB/);
        expect(e.details).toMatchObject({ matches: ['01HZX4AAAA', '01HZX4AAAB'] });
        await expectError(s.getRun('01HZ'), 'INVALID_INPUT', /at least 6/);
        // LIKE wildcards in a prefix are plain characters
        expect(await s.getRun('01HZX_')).toBeNull();
        expect(await s.getRun('01HZX%')).toBeNull();
      });

      it('pages through 2,500 runs with equal sort keys completely and without repeats', async () => {
        const s = await fresh();
        const n = 2500;
        const runs = Array.from({ length: n }, (_, i) =>
          makeRun(`page-${String((i * 7919) % n).padStart(5, '0')}`, {
            startedAt: T0 + (i % 3), // three distinct values: long runs of ties
            energyKwh: 0.25,
            totalG: i % 2,
            costUsd: i % 4 === 0 ? null : 1.5,
            durationS: 60,
            project: i % 5 === 0 ? 'five' : 'other',
          }),
        );
        await createRuns(s, runs, 16);
        expect(await s.countRuns()).toBe(n);
        for (const [sort, order, limit] of [
          ['startedAt', 'desc', 97],
          ['energyKwh', 'asc', 1000],
          ['costUsd', 'desc', 250],
          ['totalG', 'asc', 333],
          ['durationS', 'desc', 500],
        ] as const) {
          const seen: RunRecord[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const page = await s.listRuns({ sort, order, limit, cursor });
            expect(page.runs.length).toBeLessThanOrEqual(limit);
            seen.push(...page.runs);
            cursor = page.nextCursor;
            pages++;
          } while (cursor !== null && pages < 100);
          expect(seen.length, `${sort} ${order}`).toBe(n);
          expect(new Set(seen.map((r) => r.id)).size).toBe(n);
          const key = (r: RunRecord): number => (sort === 'costUsd' ? (r.costUsd ?? -1) : r[sort]);
          for (let i = 1; i < seen.length; i++) {
            const a = key(seen[i - 1]!);
            const b = key(seen[i]!);
            expect(order === 'asc' ? a <= b : a >= b).toBe(true);
          }
          expect(pages).toBe(Math.ceil(n / limit));
        }
        // a filtered listing pages the same way
        const five: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await s.listRuns({ project: 'five', limit: 64, cursor });
          five.push(...page.runs.map((r) => r.id));
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(new Set(five).size).toBe(n / 5);
        expect(await s.countRuns({ project: 'five' })).toBe(n / 5);
      });

      it('validates list queries and cursors', async () => {
        const s = await fresh();
        await createRuns(s, [makeRun('cur-run-1'), makeRun('cur-run-2'), makeRun('cur-run-3')]);
        await expectError(s.listRuns({ limit: 1001 }), 'INVALID_INPUT', /limit/);
        await expectError(s.listRuns({ limit: 0 }), 'INVALID_INPUT', /limit/);
        await expectError(s.listRuns({ sort: 'name' as never }), 'INVALID_INPUT', /sort/);
        const page = await s.listRuns({ sort: 'energyKwh', limit: 1 });
        expect(page.nextCursor).not.toBeNull();
        await expectError(s.listRuns({ sort: 'totalG', limit: 1, cursor: page.nextCursor }), 'INVALID_INPUT', /cursor/);
        await expectError(s.listRuns({ cursor: 'not-a-cursor' }), 'INVALID_INPUT', /cursor/);
      });

      it('filters by project, status, time and search text, and sorts by each key', async () => {
        const s = await fresh();
        await createRuns(s, [
          makeRun('flt-run-1', { project: 'nlp', status: 'succeeded', startedAt: T0, name: 'BERT fine-tune', energyKwh: 3, totalG: 30, costUsd: 5, durationS: 10 }),
          makeRun('flt-run-2', { project: 'nlp', status: 'failed', startedAt: T0 + 1000, name: 'gpt2 100%_done', energyKwh: 1, totalG: 60, costUsd: null, durationS: 30 }),
          makeRun('flt-run-3', { project: 'cv', status: 'running', startedAt: T0 + 2000, name: null, command: ['python', 'ResNet.py'], energyKwh: 2, totalG: 10, costUsd: 0, durationS: 20 }),
          makeRun('flt-run-4', { project: 'cv', status: 'lost', startedAt: T0 + 3000, tags: { dataset: 'ImageNet-1k' }, energyKwh: 4, totalG: 20, costUsd: 9, durationS: 40 }),
        ]);
        const ids = async (q: Parameters<Store['listRuns']>[0]): Promise<string[]> => (await s.listRuns(q)).runs.map((r) => r.id);
        expect(await ids({ project: 'nlp', sort: 'startedAt', order: 'asc' })).toEqual(['flt-run-1', 'flt-run-2']);
        expect(await ids({ status: 'failed' })).toEqual(['flt-run-2']);
        expect(await ids({ status: ['running', 'lost'], order: 'asc' })).toEqual(['flt-run-3', 'flt-run-4']);
        expect(await ids({ since: T0 + 1000, until: T0 + 3000, order: 'asc' })).toEqual(['flt-run-2', 'flt-run-3']);
        expect(await ids({ search: 'bert' })).toEqual(['flt-run-1']);
        expect(await ids({ search: 'resnet PYTHON' })).toEqual(['flt-run-3']);
        expect(await ids({ search: 'dataset=imagenet' })).toEqual(['flt-run-4']);
        expect(await ids({ search: '100%_' })).toEqual(['flt-run-2']);
        expect(await ids({ search: '%' })).toEqual(['flt-run-2']);
        expect(await ids({ search: 'nothing-matches-this' })).toEqual([]);
        expect(await ids({ sort: 'energyKwh', order: 'desc' })).toEqual(['flt-run-4', 'flt-run-1', 'flt-run-3', 'flt-run-2']);
        expect(await ids({ sort: 'totalG', order: 'asc' })).toEqual(['flt-run-3', 'flt-run-4', 'flt-run-1', 'flt-run-2']);
        expect(await ids({ sort: 'costUsd', order: 'asc' })).toEqual(['flt-run-2', 'flt-run-3', 'flt-run-1', 'flt-run-4']);
        expect(await ids({ sort: 'durationS', order: 'desc' })).toEqual(['flt-run-4', 'flt-run-2', 'flt-run-3', 'flt-run-1']);
        expect(await s.countRuns({ project: 'cv', search: 'resnet' })).toBe(1);
      });

      it('sums runs for reports, with counts by status', async () => {
        const s = await fresh();
        await createRuns(s, [
          makeRun('tot-run-1', { project: 'a', status: 'succeeded', durationS: 10, cpuKwh: 0.1, gpuKwh: 0.2, memoryKwh: 0.05, energyKwh: 0.4, operationalG: 40, embodiedG: 4, totalG: 44, costUsd: 1.25 }),
          makeRun('tot-run-2', { project: 'a', status: 'failed', durationS: 20, cpuKwh: 0.3, gpuKwh: 0, memoryKwh: 0.05, energyKwh: 0.4, operationalG: 60, embodiedG: 6, totalG: 66, costUsd: null }),
          makeRun('tot-run-3', { project: 'b', status: 'succeeded', durationS: 5, energyKwh: 1, totalG: 100, costUsd: 2 }),
        ]);
        const a = await s.runTotals({ project: 'a' });
        expect(a).toMatchObject({ runs: 2, durationS: 30, operationalG: 100, embodiedG: 10, totalG: 110, costUsd: 1.25 });
        expect(a.cpuKwh).toBeCloseTo(0.4, 12);
        expect(a.gpuKwh).toBeCloseTo(0.2, 12);
        expect(a.memoryKwh).toBeCloseTo(0.1, 12);
        expect(a.energyKwh).toBeCloseTo(0.8, 12);
        expect(a.byStatus).toEqual({ running: 0, succeeded: 1, failed: 1, lost: 0, 'stopped-by-guard': 0 });
        const all = await s.runTotals();
        expect(all.runs).toBe(3);
        expect(all.costUsd).toBeCloseTo(3.25, 12);
        expect(await s.runTotals({ project: 'none' })).toMatchObject({ runs: 0, energyKwh: 0, totalG: 0, costUsd: null });
        expect(await s.countRuns({ status: 'succeeded' })).toBe(2);
      });

      it('deletes a run with its samples and metrics', async () => {
        const s = await fresh();
        await s.createRun(makeRun('del-run-1'));
        await s.createRun(makeRun('del-run-2'));
        await s.appendSamples('del-run-1', makeSamples(20));
        await s.appendMetrics('del-run-1', [makeMetric('loss', 1, T0, 0.5)]);
        await s.appendSamples('del-run-2', makeSamples(3));
        expect(await s.deleteRun('del-run-1')).toBe(true);
        expect(await s.deleteRun('del-run-1')).toBe(false);
        expect(await s.getRun('del-run-1')).toBeNull();
        expect(await s.listSamples('del-run-1')).toEqual([]);
        expect(await s.listMetrics('del-run-1')).toEqual([]);
        expect(await s.listSamples('del-run-2')).toHaveLength(3);
        // the cascade really removed the rows: the id can be reused without old samples resurfacing
        await s.createRun(makeRun('del-run-1'));
        expect(await s.listSamples('del-run-1')).toEqual([]);
      });
    });

    describe('samples, metrics and params', () => {
      it('appends samples idempotently on (run, t) and reads them back exactly', async () => {
        const s = await fresh();
        await s.createRun(makeRun('smp-run-1'));
        const batch = [...makeSamples(50), makeSample(T0 + 50_000, { gpuW: 251.5, gpuJ: 12_575, gpuUtilPct: 99.5, detail: null, cpuW: null, cpuCores: null, memoryBytes: null })];
        expect(await s.appendSamples('smp-run-1', batch)).toBe(51);
        expect(await s.appendSamples('smp-run-1', batch)).toBe(0); // a retried batch
        expect(await s.appendSamples('smp-run-1', [...makeSamples(5, T0 + 48_000), makeSample(T0 + 60_000)])).toBe(3);
        const back = await s.listSamples('smp-run-1');
        expect(back).toHaveLength(54);
        expect(back.slice(0, 51)).toEqual(batch);
        expect(back.map((x) => x.t)).toEqual([...back.map((x) => x.t)].sort((a, b) => a - b));
        expect(await s.appendSamples('smp-run-1', [])).toBe(0);
      });

      it('writes nothing from a batch with one bad sample and names its index and field', async () => {
        const s = await fresh();
        await s.createRun(makeRun('smp-run-2'));
        await s.appendSamples('smp-run-2', makeSamples(2));
        const batch = makeSamples(10, T0 + 10_000);
        batch[6] = { ...batch[6]!, cpuW: Number.NaN };
        const e = await expectError(s.appendSamples('smp-run-2', batch), 'INVALID_INPUT', /samples\[6\]\.cpuW/);
        expect(e.details).toMatchObject({ index: 6, key: 'cpuW' });
        expect(e.message).toMatch(/Nothing was written/);
        const bad2 = makeSamples(4, T0 + 20_000);
        bad2[3] = { ...bad2[3]!, t: T0 + 0.5 };
        await expectError(s.appendSamples('smp-run-2', bad2), 'INVALID_INPUT', /samples\[3\]\.t/);
        const bad3 = makeSamples(3, T0 + 30_000);
        bad3[1] = { ...bad3[1]!, detail: { x: Number.POSITIVE_INFINITY } };
        await expectError(s.appendSamples('smp-run-2', bad3), 'INVALID_INPUT', /samples\[1\]\.detail\.x/);
        expect(await s.listSamples('smp-run-2')).toHaveLength(2);
        await expectError(s.appendSamples('no-such-run', makeSamples(2)), 'NOT_FOUND');
      });

      it('reads samples from a time, up to a limit, or downsampled with first and last kept', async () => {
        const s = await fresh();
        await s.createRun(makeRun('smp-run-3'));
        const all = makeSamples(1000);
        await s.appendSamples('smp-run-3', all);
        expect((await s.listSamples('smp-run-3', { fromT: T0 + 990_000 })).map((x) => x.t)).toEqual(
          all.slice(990).map((x) => x.t),
        );
        expect(await s.listSamples('smp-run-3', { limit: 3 })).toEqual(all.slice(0, 3));
        const chart = await s.listSamples('smp-run-3', { maxPoints: 100 });
        expect(chart).toHaveLength(100);
        expect(chart[0]).toEqual(all[0]);
        expect(chart.at(-1)).toEqual(all.at(-1));
        const gaps = chart.slice(1).map((x, i) => x.t - chart[i]!.t);
        expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1000);
        const tail = await s.listSamples('smp-run-3', { fromT: T0 + 499_000, maxPoints: 11 });
        expect(tail.map((x) => x.t)).toEqual(Array.from({ length: 11 }, (_, i) => T0 + 499_000 + i * 50_000));
        const head = await s.listSamples('smp-run-3', { limit: 101, maxPoints: 3 });
        expect(head.map((x) => x.t)).toEqual([T0, T0 + 50_000, T0 + 100_000]);
        expect(await s.listSamples('smp-run-3', { maxPoints: 5000 })).toHaveLength(1000);
        await expectError(s.listSamples('smp-run-3', { maxPoints: 1 }), 'INVALID_INPUT', /maxPoints/);
      });

      it('appends metrics idempotently on (run, key, step, t), a missing step included', async () => {
        const s = await fresh();
        await s.createRun(makeRun('met-run-1'));
        const points = [
          makeMetric('loss', 1, T0 + 1, 0.9),
          makeMetric('loss', 2, T0 + 2, 0.7),
          makeMetric('accuracy', null, T0 + 3, 0.81),
          makeMetric('accuracy', null, T0 + 4, 0.84),
          makeMetric('lr', 0, T0 + 1, 3e-4),
        ];
        expect(await s.appendMetrics('met-run-1', points)).toBe(5);
        expect(await s.appendMetrics('met-run-1', points)).toBe(0);
        expect(await s.appendMetrics('met-run-1', [makeMetric('accuracy', null, T0 + 3, 0.99), makeMetric('loss', 3, T0 + 5, 0.5)])).toBe(1);
        expect(await s.listMetrics('met-run-1', { key: 'accuracy' })).toEqual([points[2], points[3]]);
        const all = await s.listMetrics('met-run-1');
        expect(all.map((m) => `${m.key}:${m.step}`)).toEqual(['accuracy:null', 'accuracy:null', 'loss:1', 'loss:2', 'loss:3', 'lr:0']);
        const bad = [makeMetric('loss', 9, T0 + 9, 0.1), makeMetric('loss', 10, T0 + 10, Number.NaN)];
        await expectError(s.appendMetrics('met-run-1', bad), 'INVALID_INPUT', /metrics\[1\]\.value/);
        expect(await s.listMetrics('met-run-1')).toHaveLength(6);
        await expectError(s.appendMetrics('no-such-run', points), 'NOT_FOUND');
      });

      it('merges params into the run', async () => {
        const s = await fresh();
        await s.createRun(makeRun('prm-run-1', { params: { lr: 0.1, epochs: 3 } }));
        expect(await s.setParams('prm-run-1', { lr: 0.01, model: 'tiny', fp16: true })).toEqual({ lr: 0.01, epochs: 3, model: 'tiny', fp16: true });
        expect((await s.getRun('prm-run-1'))?.params).toEqual({ lr: 0.01, epochs: 3, model: 'tiny', fp16: true });
        await expectError(s.setParams('prm-run-1', { bad: { nested: 1 } as never }), 'INVALID_INPUT', /params\.bad/);
        await expectError(s.setParams('no-such-run', { a: 1 }), 'NOT_FOUND');
      });
    });

    describe('bundles', () => {
      it('exports a run with samples and metrics and imports it idempotently', async () => {
        const a = await fresh();
        const b = await fresh();
        const run = richRun('bnd-run-0001');
        await a.createRun(run);
        await a.appendSamples(run.id, makeSamples(30));
        await a.appendMetrics(run.id, [makeMetric('loss', 1, T0, 1.5), makeMetric('eval', null, T0 + 7, 0.25)]);
        const bundle = await a.exportRunBundle('bnd-run');
        expect(bundle).toMatchObject({ format: 'greenml.run-bundle', version: 1, run });
        expect(bundle.samples).toHaveLength(30);
        // a bundle is plain data: it survives JSON
        const wire = JSON.parse(JSON.stringify(bundle)) as typeof bundle;
        await b.importRunBundle(wire);
        await b.importRunBundle(wire);
        expect(await b.exportRunBundle(run.id)).toEqual(bundle);
        expect(await b.countRuns()).toBe(1);
        // re-importing a newer state of the same run updates it in place
        const later = { ...wire, run: { ...wire.run, status: 'succeeded' as const }, samples: [...wire.samples, makeSample(T0 + 99_000)] };
        await b.importRunBundle(later);
        expect((await b.getRun(run.id))?.status).toBe('succeeded');
        expect(await b.listSamples(run.id)).toHaveLength(31);
        await a.importRunBundle(bundle);
        expect(await a.exportRunBundle(run.id)).toEqual(bundle);
        await expectError(a.exportRunBundle('no-such-run'), 'NOT_FOUND');
        await expectError(b.importRunBundle({ ...bundle, version: 2 as never }), 'INVALID_INPUT', /version/);
        const broken = { ...bundle, run: { ...run, id: 'bnd-run-0002' }, samples: [makeSample(T0), makeSample(T0 + 1, { cpuJ: Number.NaN })] };
        await expectError(b.importRunBundle(broken), 'INVALID_INPUT', /bundle\.samples\[1\]\.cpuJ/);
        expect(await b.getRun('bnd-run-0002')).toBeNull();
      });
    });

    describe('jobs', () => {
      it('round-trips a job and refuses a duplicate id', async () => {
        const s = await fresh();
        const job = makeJob('job-rt-0001', { labels: { gpu: 'a100', zone: 'DE' }, name: 'nächtlich 🌙' });
        const bare = makeJob('job-rt-0002', { plan: null, name: null, cwd: null, env: {}, spec: { ...makeJob('x').spec, resumeCommand: undefined } });
        delete (bare.spec as { resumeCommand?: string[] }).resumeCommand;
        await s.createJob(job);
        await s.createJob(bare);
        expect(await s.getJob('job-rt-0001')).toEqual(job);
        expect(await s.getJob('job-rt-0002')).toEqual(bare);
        expect(await s.getJob('no-such-job')).toBeNull();
        await expectError(s.createJob(job), 'CONFLICT');
        await expectError(s.getJob('job-rt'), 'INVALID_INPUT', /job-rt-0001, job-rt-0002/);
        await expectError(s.createJob(makeJob('job-bad-1', { state: 'queued' as JobRecord['state'] })), 'INVALID_INPUT', /state/);
        await expectError(s.createJob(makeJob('job-bad-2', { spec: { ...job.spec, interruptible: 'yes' as never } })), 'INVALID_INPUT', /interruptible/);
        expect((await s.listProjects()).map((p) => p.name)).toEqual(['default']);
      });

      it('lists jobs newest first, by state and project, in pages', async () => {
        const s = await fresh();
        for (let i = 0; i < 25; i++) {
          await s.createJob(makeJob(`job-ls-${String(i).padStart(4, '0')}`, {
            createdAt: T0 + Math.floor(i / 5), state: i % 3 === 0 ? 'succeeded' : 'pending', project: i % 2 === 0 ? 'even' : 'odd',
          }));
        }
        const seen: JobRecord[] = [];
        let cursor: string | null = null;
        do {
          const page = await s.listJobs({ limit: 4, cursor });
          seen.push(...page.jobs);
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(seen).toHaveLength(25);
        expect(new Set(seen.map((j) => j.id)).size).toBe(25);
        expect(seen.map((j) => j.createdAt)).toEqual([...seen.map((j) => j.createdAt)].sort((a, b) => b - a));
        expect((await s.listJobs({ state: 'succeeded' })).jobs).toHaveLength(9);
        expect((await s.listJobs({ state: ['succeeded', 'pending'], project: 'even' })).jobs).toHaveLength(13);
        expect((await s.listJobs({ limit: 3 })).jobs).toHaveLength(3);
        await expectError(s.listJobs({ state: 'queued' as never }), 'INVALID_INPUT');
      });

      it('updates with compare-and-set on the state', async () => {
        const s = await fresh();
        await s.createJob(makeJob('job-cas-01', { labels: { gpu: 'a100' } }));
        expect(await s.updateJob('job-cas-01', { state: 'cancelled', updatedAt: T0 + 5 }, { expectState: 'running' })).toBe(false);
        expect((await s.getJob('job-cas-01'))?.state).toBe('pending');
        expect(await s.updateJob('job-cas-01', { state: 'cancelled', error: 'by user', updatedAt: T0 + 5 }, { expectState: ['pending', 'paused'] })).toBe(true);
        expect(await s.getJob('job-cas-01')).toEqual(makeJob('job-cas-01', { labels: { gpu: 'a100' }, state: 'cancelled', error: 'by user', updatedAt: T0 + 5 }));
        expect(await s.updateJob('job-cas-01', { state: 'running' }, { expectState: 'pending' })).toBe(false);
        // without expectState the patch always applies; updatedAt defaults to the current time
        const before = Date.now();
        expect(await s.updateJob('job-cas-01', { plan: null, labels: { cpu: 'x86' } })).toBe(true);
        const after = await s.getJob('job-cas-01');
        expect(after?.plan).toBeNull();
        expect(after?.labels).toEqual({ cpu: 'x86' });
        expect(after!.updatedAt).toBeGreaterThanOrEqual(before);
        await expectError(s.updateJob('no-such-job', { state: 'failed' }), 'NOT_FOUND');
        await expectError(s.updateJob('job-cas-01', { attempts: -1 }), 'INVALID_INPUT', /attempts/);
      });

      it('claims the earliest due pending job whose labels the agent carries', async () => {
        const s = await fresh();
        await s.createJob(makeJob('job-clm-late', { dueAtMs: T0 + 60_000 }));
        await s.createJob(makeJob('job-clm-b', { dueAtMs: T0 + 20, createdAt: T0 }));
        await s.createJob(makeJob('job-clm-a', { dueAtMs: T0 + 10, createdAt: T0 + 1 }));
        await s.createJob(makeJob('job-clm-gpu', { dueAtMs: T0, labels: { gpu: 'a100' } }));
        await s.createJob(makeJob('job-clm-done', { dueAtMs: T0, state: 'succeeded' }));
        const now = T0 + 1000;
        const first = await s.claimNextDueJob({ nowMs: now, agentId: 'agent-cpu', leaseMs: 30_000, labels: { os: 'linux' } });
        expect(first).toEqual({
          ...makeJob('job-clm-a', { dueAtMs: T0 + 10, createdAt: T0 + 1 }),
          state: 'running', agentId: 'agent-cpu', leaseUntilMs: now + 30_000, attempts: 1, startedAt: now, updatedAt: now,
        });
        expect((await s.claimNextDueJob({ nowMs: now, agentId: 'agent-cpu', leaseMs: 30_000, labels: { os: 'linux' } }))?.id).toBe('job-clm-b');
        expect(await s.claimNextDueJob({ nowMs: now, agentId: 'agent-cpu', leaseMs: 30_000, labels: { gpu: 'h100' } })).toBeNull();
        expect((await s.claimNextDueJob({ nowMs: now, agentId: 'agent-gpu', leaseMs: 30_000, labels: { gpu: 'a100', os: 'linux' } }))?.id).toBe('job-clm-gpu');
        expect(await s.claimNextDueJob({ nowMs: now, agentId: 'agent-any', leaseMs: 30_000 })).toBeNull();
        expect((await s.claimNextDueJob({ nowMs: T0 + 60_000, agentId: 'agent-any', leaseMs: 30_000 }))?.id).toBe('job-clm-late');
        // leases: only the holder renews, and only while running
        expect(await s.renewLease('job-clm-a', 'agent-cpu', now + 90_000)).toBe(true);
        expect((await s.getJob('job-clm-a'))?.leaseUntilMs).toBe(now + 90_000);
        expect(await s.renewLease('job-clm-a', 'agent-gpu', now + 90_000)).toBe(false);
        expect(await s.updateJob('job-clm-a', { state: 'succeeded', endedAt: now + 5000 }, { expectState: 'running' })).toBe(true);
        expect(await s.renewLease('job-clm-a', 'agent-cpu', now + 95_000)).toBe(false);
        // a paused job put back to pending is claimed again; attempts count and the first start stays
        expect(await s.updateJob('job-clm-b', { state: 'pending', dueAtMs: now + 10, agentId: null, leaseUntilMs: null }, { expectState: 'running' })).toBe(true);
        const again = await s.claimNextDueJob({ nowMs: now + 20, agentId: 'agent-2', leaseMs: 1000 });
        expect(again).toMatchObject({ id: 'job-clm-b', attempts: 2, startedAt: now, agentId: 'agent-2' });
        await expectError(s.claimNextDueJob({ nowMs: now, agentId: 'a', leaseMs: 0 }), 'INVALID_INPUT', /leaseMs/);
      });

      it('hands each job to exactly one of many concurrent claimers', async () => {
        const s = await fresh();
        const n = 60;
        for (let i = 0; i < n; i++) await s.createJob(makeJob(`job-cc-${String(i).padStart(3, '0')}`, { dueAtMs: T0 + i }));
        const peers: Store[] = [s];
        if (options.openPeer) {
          for (let i = 0; i < 3; i++) {
            const p = await options.openPeer(s);
            open.push(p);
            peers.push(p);
          }
        }
        const claimed: string[] = [];
        const loop = async (store: Store, agentId: string): Promise<void> => {
          for (;;) {
            const job = await store.claimNextDueJob({ nowMs: T0 + 10_000, agentId, leaseMs: 60_000 });
            if (!job) return;
            expect(job.agentId).toBe(agentId);
            claimed.push(job.id);
          }
        };
        await Promise.all(peers.flatMap((p, i) => [0, 1, 2].map((k) => loop(p, `agent-${i}-${k}`))));
        expect(claimed).toHaveLength(n);
        expect(new Set(claimed).size).toBe(n);
        const page = await s.listJobs({ state: 'running', limit: 1000 });
        expect(page.jobs).toHaveLength(n);
        expect(page.jobs.every((j) => j.attempts === 1)).toBe(true);
      });

      it('copies jobs under the same id with importJob, twice without duplicates', async () => {
        const s = await fresh();
        const job = makeJob('job-imp-01', { labels: { gpu: 'a100' }, state: 'running', agentId: 'x', attempts: 2 });
        await s.importJob(job);
        await s.importJob({ ...job, labels: { gpu: 'h100' } });
        expect(await s.getJob('job-imp-01')).toEqual({ ...job, labels: { gpu: 'h100' } });
        expect((await s.listJobs()).jobs).toHaveLength(1);
      });
    });

    describe('intensity cache', () => {
      const hour = 3_600_000;
      const series = (kind: 'actual' | 'forecast', source: string, values: number[], from = T0) => ({
        zone: 'DE', signal: 'average' as const, kind, source,
        points: values.map((v, i) => ({ t: from + i * hour, durationS: 3600, intensityGPerKwh: v })),
      });

      it('stores series points and returns those overlapping an interval', async () => {
        const s = await fresh();
        await s.putIntensity(series('actual', 'Electricity Maps', [300, 310, 320, 330]));
        const got = await s.getIntensity('DE', { fromMs: T0 + hour / 2, toMs: T0 + 2 * hour });
        expect(got).toEqual(series('actual', 'Electricity Maps', [300, 310]));
        expect(await s.getIntensity('FR', { fromMs: T0, toMs: T0 + hour })).toBeNull();
        expect(await s.getIntensity('DE', { fromMs: T0 + 4 * hour, toMs: T0 + 5 * hour })).toBeNull();
        // upsert by (zone, source, kind, t): a revised value replaces the old one
        await s.putIntensity(series('actual', 'Electricity Maps', [301], T0 + hour));
        expect((await s.getIntensity('DE', { fromMs: T0, toMs: T0 + 4 * hour }))?.points.map((p) => p.intensityGPerKwh)).toEqual([300, 301, 320, 330]);
        await expectError(s.getIntensity('DE', { fromMs: T0, toMs: T0 }), 'INVALID_INPUT', /toMs/);
        await expectError(s.putIntensity({ ...series('actual', 'x', [1]), points: [{ t: T0, durationS: 0, intensityGPerKwh: 1 }] }), 'INVALID_INPUT', /durationS/);
      });

      it('chooses between kinds and sources', async () => {
        const s = await fresh();
        await s.putIntensity(series('forecast', 'WattTime', [200, 210, 220]));
        await s.putIntensity(series('actual', 'Electricity Maps', [300, 310, 320]));
        await s.putIntensity(series('actual', 'Agora', [400, 410]));
        const window = { fromMs: T0, toMs: T0 + 3 * hour };
        expect((await s.getIntensity('DE', window))?.source).toBe('Electricity Maps'); // most points, actual before forecast
        expect((await s.getIntensity('DE', { ...window, kind: 'forecast' }))?.source).toBe('WattTime');
        expect((await s.getIntensity('DE', { ...window, source: 'Agora' }))?.points).toHaveLength(2);
      });
    });

    describe('tokens', () => {
      it('creates, finds by hash, lists, touches and revokes tokens', async () => {
        const s = await fresh();
        const admin = makeToken('tok-1', 0xabc, { scope: 'admin', name: 'CI ✓' });
        const ingest = makeToken('tok-2', 0xdef, { project: 'vision', createdAt: T0 + 1 });
        await s.createToken(admin);
        await s.createToken(ingest);
        await expectError(s.createToken(makeToken('tok-3', 0xabc)), 'CONFLICT');
        await expectError(s.createToken(makeToken('tok-1', 0x123)), 'CONFLICT');
        await expectError(s.createToken(makeToken('tok-4', 1, { hash: 'NOT-HEX' })), 'INVALID_INPUT', /hash/);
        expect(await s.findTokenByHash(admin.hash)).toEqual(admin);
        expect(await s.findTokenByHash('0'.repeat(64))).toBeNull();
        expect(await s.listTokens()).toEqual([admin, ingest]);
        await s.touchToken('tok-2', T0 + 500);
        expect(await s.revokeToken('tok-1', T0 + 900)).toBe(true);
        expect(await s.revokeToken('tok-1', T0 + 901)).toBe(false);
        expect(await s.revokeToken('tok-none')).toBe(false);
        expect(await s.listTokens()).toEqual([{ ...admin, revokedAt: T0 + 900 }, { ...ingest, lastUsedAt: T0 + 500 }]);
        await s.importToken({ ...ingest, name: 'renamed' });
        expect((await s.findTokenByHash(ingest.hash))?.name).toBe('renamed');
        expect(await s.listTokens()).toHaveLength(2);
      });
    });

    describeBudgetContract(fresh, options.openPeer);
  });
}
