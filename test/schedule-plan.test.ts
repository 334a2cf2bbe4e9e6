/**
 * Planning a job (app/schedule.ts) on a file-backed intensity source over the committed fixtures,
 * with a fixed clock: which forecast is used, where the window lands, what it is expected to save.
 * Expected windows are found here by brute force over every feasible start, independently of
 * core's search.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planJob, type ScheduleRequest } from '../src/app/index.js';
import { baselineForecast, isGreenmlError, meanIntensityOver, type IntensityPoint, type RunRecord } from '../src/core/index.js';
import { fileSource, readIntensityFile, type IntensitySource } from '../src/intensity/index.js';
import { ROOT } from './helpers/cli.js';

const FILES = join(ROOT, 'test/fixtures/intensity/files');
const ES = join(FILES, 'ES_2023-06-01_hourly.csv');
const GB = join(FILES, 'gb-2023-03-14-forecast.csv');
const CASDK = join(FILES, 'casdk-es-no-2023-06-01.json');
const H = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

let n = 0;
const deps = (source: IntensitySource, nowMs: number, extra: Partial<Parameters<typeof planJob>[1]> = {}) => ({ nowMs, source, newJobId: () => `job-${++n}`, ...extra });
const request = (over: Partial<ScheduleRequest>): ScheduleRequest => ({ command: ['python', 'train.py'], deadlineMs: 0, regions: ['ES'], ...over });

async function points(path: string, zone: string): Promise<IntensityPoint[]> {
  return (await readIntensityFile({ path, zone })).series.points;
}

/** The lowest mean over [s, s + D) for every start s on the step grid and at `from`, earliest on ties. */
function bruteForce(ps: readonly IntensityPoint[], fromMs: number, toMs: number, durationMs: number, stepMs: number): { startMs: number; mean: number } {
  let best = { startMs: NaN, mean: Infinity };
  const starts = [fromMs];
  for (let s = Math.ceil(fromMs / stepMs) * stepMs; s + durationMs <= toMs; s += stepMs) starts.push(s);
  for (const s of starts.sort((a, b) => a - b)) {
    const m = meanIntensityOver(ps, s, s + durationMs);
    if (m !== null && m < best.mean - 1e-9) best = { startMs: s, mean: m };
  }
  return best;
}

async function rejects(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isGreenmlError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected planJob to fail');
}

describe('planJob on a file source', () => {
  it('puts a 2-hour job in the cleanest window before the deadline, from values known for the whole span', async () => {
    const now = at('2023-06-01T04:00:00Z');
    const deadline = now + 16 * H;
    const { job, plan } = await planJob(request({ durationS: 2 * 3600, deadlineMs: deadline, energyKwh: 3 }), deps(fileSource([{ path: ES, zone: 'ES' }]), now));
    const ps = await points(ES, 'ES');
    const best = bruteForce(ps, now, deadline, 2 * H, H);
    expect(plan.forecast.method).toBe('known-values');
    expect(plan.windows).toEqual([{ startMs: best.startMs, endMs: best.startMs + 2 * H }]);
    expect(plan.expectedGPerKwh).toBeCloseTo(best.mean, 9);
    const immediate = meanIntensityOver(ps, now, now + 2 * H) as number;
    expect(plan.immediateGPerKwh).toBeCloseTo(immediate, 9);
    expect(plan.expectedG).toBeCloseTo(3 * best.mean, 6);
    expect(plan.immediateG).toBeCloseTo(3 * immediate, 6);
    expect(plan.savingG).toBeCloseTo(3 * (immediate - best.mean), 6);
    expect(plan.perKwh).toBe(false);
    expect(job.dueAtMs).toBe(best.startMs);
    expect(job.state).toBe('pending');
    expect(job.spec).toMatchObject({ durationS: 7200, earliestStartMs: now, deadlineMs: deadline, regions: ['ES'], interruptible: false });
    // Spain in June: the solar middle of the day is cleaner than the early morning.
    expect(best.startMs).toBeGreaterThan(now);
  });

  it('reports grams per kWh and percent when the energy is unknown', async () => {
    const now = at('2023-06-01T04:00:00Z');
    const { plan } = await planJob(request({ durationS: 3600, deadlineMs: now + 12 * H }), deps(fileSource([{ path: ES, zone: 'ES' }]), now));
    expect(plan.perKwh).toBe(true);
    expect(plan.energy.basis).toBe('unknown');
    expect(plan.savingG).toBeCloseTo(plan.immediateGPerKwh - plan.expectedGPerKwh, 9);
    expect(plan.savingRatio).toBeCloseTo(1 - plan.expectedGPerKwh / plan.immediateGPerKwh, 9);
  });

  it('falls back on a baseline forecast from history when the file ends before the deadline', async () => {
    const now = at('2023-06-02T12:00:00Z');
    const deadline = now + 20 * H; // the file ends at 2023-06-03T00:00Z
    const src = fileSource([{ path: ES, zone: 'ES' }]);
    const { plan, forecasts } = await planJob(request({ durationS: 2 * 3600, deadlineMs: deadline }), deps(src, now));
    expect(plan.forecast.method).toBe('baseline-forecast');
    expect(plan.forecast.source).toMatch(/^baseline forecast: mean of the same time of day over the last 7 days/);
    const history = (await src.history('ES', now - 9 * 24 * H, now)).points;
    expect(forecasts[0]?.points).toEqual(baselineForecast(history, { issuedAtMs: now, fromMs: now, toMs: deadline }));
    const best = bruteForce(forecasts[0]?.points ?? [], now, deadline, 2 * H, H);
    expect(plan.windows[0]?.startMs).toBe(best.startMs);
  });

  it('with only an annual average, says there is nothing to gain and starts at once', async () => {
    const now = at('2023-06-01T04:00:00Z');
    // The file holds Spain only: for France nothing is known but the catalog's annual average.
    const { plan, job } = await planJob(request({ regions: ['FR'], durationS: 3600, deadlineMs: now + 8 * H }), deps(fileSource([{ path: ES, zone: 'ES' }]), now));
    expect(plan.forecast.method).toBe('static');
    expect(plan.strategy).toBe('now');
    expect(plan.windows).toEqual([{ startMs: now, endMs: now + H }]);
    expect(job.dueAtMs).toBe(now);
    expect(plan.savingG).toBe(0);
    expect(plan.notes.join(' ')).toMatch(/nothing to gain by waiting/);
  });

  it('starts at once when the predicted saving is under the minimum worth a shift', async () => {
    const now = at('2023-06-01T04:00:00Z');
    const src = fileSource([{ path: ES, zone: 'ES' }]);
    const free = await planJob(request({ durationS: 3600, deadlineMs: now + 12 * H, minSavingRatio: 0 }), deps(src, now));
    expect(free.plan.strategy).toBe('contiguous');
    const strict = await planJob(request({ durationS: 3600, deadlineMs: now + 12 * H, minSavingRatio: free.plan.savingRatio + 0.01 }), deps(src, now));
    expect(strict.plan.strategy).toBe('now');
    expect(strict.plan.windows).toEqual([{ startMs: now, endMs: now + H }]);
    expect(strict.plan.notes.join(' ')).toMatch(/under the \d+ % worth a shift/);
  });

  it('splits an interruptible job into chunks of at least the minimum, no more pauses than allowed, never worse than contiguous', async () => {
    // GB's forecast has a midday dip and an evening fall; a 4-hour job before 23:00 the next day
    // does better in two pieces than in any single 4-hour stretch.
    const now = at('2023-03-14T12:00:00Z');
    const deadline = at('2023-03-15T23:00:00Z');
    const src = fileSource([{ path: GB, zone: 'GB' }]);
    const base = { regions: ['GB'], durationS: 4 * 3600, deadlineMs: deadline, minSavingRatio: 0 };
    const contiguous = await planJob(request(base), deps(src, now));
    const { plan, job } = await planJob(request({ ...base, interruptible: true, minChunkS: 3600, maxPauses: 2 }), deps(src, now));
    const total = plan.windows.reduce((a, w) => a + (w.endMs - w.startMs), 0);
    expect(total).toBe(4 * H);
    for (const w of plan.windows) expect(w.endMs - w.startMs).toBeGreaterThanOrEqual(H);
    expect(plan.windows.length).toBeGreaterThan(1);
    expect(plan.windows.length - 1).toBeLessThanOrEqual(2);
    expect(plan.windows.every((w) => w.startMs >= now && w.endMs <= deadline)).toBe(true);
    expect(plan.expectedGPerKwh).toBeLessThan(contiguous.plan.expectedGPerKwh);
    const gb = await points(GB, 'GB');
    const weighted = plan.windows.reduce((a, w) => a + (meanIntensityOver(gb, w.startMs, w.endMs) as number) * (w.endMs - w.startMs), 0) / total;
    expect(plan.expectedGPerKwh).toBeCloseTo(weighted, 9);
    expect(plan.strategy).toBe('interruptible');
    expect(job.spec).toMatchObject({ interruptible: true, minChunkS: 3600, maxPauses: 2 });
    expect(job.dueAtMs).toBe(plan.windows[0]?.startMs);
  });

  it('chooses among regions, labels the job for an agent there, and measures the saving against the home region', async () => {
    const now = at('2023-06-01T02:00:00Z');
    const src = fileSource([
      { path: CASDK, zone: 'ES' },
      { path: CASDK, zone: 'NO' },
    ]);
    const { plan, job } = await planJob(request({ regions: ['ES', 'NO'], durationS: 2 * 3600, deadlineMs: now + 10 * H }), deps(src, now));
    const es = await points(CASDK, 'ES');
    const no = await points(CASDK, 'NO');
    const bestEs = bruteForce(es, now, now + 10 * H, 2 * H, H);
    const bestNo = bruteForce(no, now, now + 10 * H, 2 * H, H);
    const winner = bestNo.mean < bestEs.mean ? 'NO' : 'ES';
    expect(plan.region).toBe(winner);
    expect(job.labels).toEqual({ region: winner });
    expect(plan.alternatives.map((a) => a.region)).toEqual(['ES', 'NO']);
    expect(plan.immediate.region).toBe('ES');
    expect(plan.immediateGPerKwh).toBeCloseTo(meanIntensityOver(es, now, now + 2 * H) as number, 9);
  });

  it('takes duration, energy, command and location from an earlier run', async () => {
    const now = at('2023-06-01T04:00:00Z');
    const run = { id: 'run-1', project: 'vision', name: 'resnet', command: ['python', 'fit.py'], cwd: '/work', durationS: 5400, energyKwh: 2.5, status: 'succeeded', location: { country: 'ES', label: 'ES' } } as unknown as RunRecord;
    const { job, plan } = await planJob(
      { command: [], fromRun: 'run-1', deadlineMs: now + 12 * H, regions: [] },
      deps(fileSource([{ path: ES, zone: 'ES' }]), now, { getRun: async (id) => (id === 'run-1' ? run : null) }),
    );
    expect(job.command).toEqual(['python', 'fit.py']);
    expect(job.spec.durationS).toBe(5400);
    expect(job.spec.regions).toEqual(['ES']);
    expect(job.project).toBe('vision');
    expect(plan.energy).toMatchObject({ kwh: 2.5, basis: 'run' });
    expect(plan.expectedG).toBeCloseTo(2.5 * plan.expectedGPerKwh, 9);
  });
});

describe('planJob refuses what cannot be planned', () => {
  const now = at('2023-06-01T04:00:00Z');
  const src = fileSource([{ path: ES, zone: 'ES' }]);

  it('a deadline too early for the duration, naming the earliest possible finish', async () => {
    const e = await rejects(planJob(request({ durationS: 3 * 3600, deadlineMs: now + 2 * H }), deps(src, now)));
    expect(e.code).toBe('INFEASIBLE');
    expect(e.message).toContain('finishes at 2023-06-01T07:00Z at the earliest');
    expect(e.message).toContain('Move the deadline to 2023-06-01T07:00Z or later');
  });

  it('an unknown cloud region, a missing duration, pause options without --interruptible', async () => {
    expect((await rejects(planJob(request({ regions: ['gcp:mars-north1'], durationS: 60, deadlineMs: now + H }), deps(src, now)))).code).toBe('UNKNOWN_ID');
    expect((await rejects(planJob(request({ deadlineMs: now + H }), deps(src, now)))).message).toMatch(/--duration/);
    expect((await rejects(planJob(request({ durationS: 60, deadlineMs: now + H, maxPauses: 2 }), deps(src, now)))).message).toMatch(/need --interruptible/);
  });
});
