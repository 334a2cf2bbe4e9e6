/**
 * `greenml report` on a seeded SQLite store: October 2026 of project "vision" against September,
 * checked figure by figure in JSON, then as text, CSV and a self-contained HTML file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { REPORT_CSV_COLUMNS, setBudget } from '../../app/index.js';
import type { RunRecord } from '../../core/index.js';
import { makeJob, makeRun } from '../../store/fixtures.contract.js';
import { openStore } from '../../store/index.js';

let dir: string;
let db: string;
const OCT = (day: number, hour = 10): number => Date.UTC(2026, 9, day, hour);

/** A finished vision run: components in kWh, PUE 1.1, grams of CO2e. */
function run(id: string, startedAt: number, kwh: { cpu: number; gpu: number; mem: number }, g: { op: number; emb: number }, over: Partial<RunRecord> = {}): RunRecord {
  const it = kwh.cpu + kwh.gpu + kwh.mem;
  return makeRun(id, {
    project: 'vision',
    name: `train ${id}`,
    status: 'succeeded',
    startedAt,
    endedAt: startedAt + 1_800_000,
    heartbeatAt: startedAt + 1_800_000,
    durationS: 1800,
    cpuKwh: kwh.cpu,
    gpuKwh: kwh.gpu,
    memoryKwh: kwh.mem,
    energyKwh: it * 1.1,
    operationalG: g.op,
    embodiedG: g.emb,
    totalG: g.op + g.emb,
    costUsd: null,
    intensityGPerKwh: 363.6,
    params: {},
    ...over,
  });
}

beforeAll(async () => {
  process.env.NO_COLOR = '1';
  delete process.env.GREENML_DB;
  dir = mkdtempSync(join(tmpdir(), 'greenml-report-'));
  db = join(dir, 'greenml.db');
  const s = await openStore(db);
  try {
    await s.createRun(run('r1', OCT(2), { cpu: 0.3, gpu: 1.5, mem: 0.2 }, { op: 800, emb: 100 }, { costUsd: 5 }));
    await s.appendMetrics('r1', [
      ...Array.from({ length: 10 }, (_, i) => ({ key: 'epoch', value: i + 1, step: i + 1, t: OCT(2) + (i + 1) * 60_000 })),
      { key: 'samples', value: 25_000, step: 5, t: OCT(2) + 300_000 },
      { key: 'samples', value: 50_000, step: 10, t: OCT(2) + 600_000 },
    ]);
    await s.createRun(run('r2', OCT(5), { cpu: 0.2, gpu: 0.7, mem: 0.1 }, { op: 400, emb: 50 }, { status: 'failed', name: '=HYPERLINK("http://x")', params: { epochs: 20 } }));
    await s.createRun(
      run('r3', OCT(20), { cpu: 0.1, gpu: 0.35, mem: 0.05 }, { op: 200, emb: 25 }, { costUsd: 2.5, name: '<script>alert("x")</script>, a,b', params: { epochs: 5 }, jobId: 'job-1' }),
    );
    await s.createRun(run('nlp-1', OCT(3), { cpu: 1, gpu: 1, mem: 1 }, { op: 5000, emb: 500 }, { project: 'nlp' }));
    await s.createRun(run('r0', Date.UTC(2026, 8, 10), { cpu: 0.2, gpu: 1.5, mem: 0.118181818181818 }, { op: 900, emb: 100 }, { costUsd: 4 }));
    await s.createRun(run('r5', Date.UTC(2026, 10, 1), { cpu: 9, gpu: 9, mem: 9 }, { op: 9000, emb: 900 }));
    await s.createJob(makeJob('job-1', { project: 'vision', runId: 'r3', state: 'succeeded', plan: { region: 'DE', windows: [], expectedG: 150, immediateG: 400, savingG: 250, forecastSource: 'Electricity Maps forecast' } }));
    await s.createJob(makeJob('job-2', { project: 'vision', runId: 'r5', state: 'succeeded' }));
    await setBudget({ store: s, nowMs: OCT(1), input: { name: 'vision-carbon', kind: 'co2e', limit: '2kg', period: 'month', scope: { project: 'vision' } } });
    await setBudget({ store: s, nowMs: OCT(1), input: { name: 'nlp-only', kind: 'co2e', limit: '2kg', period: 'month', scope: { project: 'nlp' } } });
  } finally {
    await s.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const report = (args: string[]) => runCli(['report', '--db', db, ...args]);

describe('greenml report', () => {
  it('sums the period, compares it with the one before, and computes SCI per epoch', async () => {
    const r = await report(['--project', 'vision', '--period', '2026-10', '--unit', 'epoch', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep).toMatchObject({ format: 'greenml.report', version: 1, project: 'vision', period: { label: '2026-10', kind: 'month' }, previous: { label: '2026-09' } });
    expect(rep.totals).toMatchObject({ runs: 3, byStatus: { succeeded: 2, failed: 1, running: 0 }, operationalG: 1400, embodiedG: 175, totalG: 1575, costUsd: 7.5 });
    expect(rep.totals.energyKwh).toBeCloseTo(3.85, 9);
    expect(rep.energyByComponent.cpuKwh).toBeCloseTo(0.6, 9);
    expect(rep.energyByComponent.gpuKwh).toBeCloseTo(2.55, 9);
    expect(rep.energyByComponent.memoryKwh).toBeCloseTo(0.35, 9);
    expect(rep.energyByComponent.overheadKwh).toBeCloseTo(0.35, 9);
    expect(rep.trends.totalG).toEqual({ current: 1575, previous: 1000, change: 575, changePct: 57.49999999999999 });
    expect(rep.trends.runs).toMatchObject({ current: 3, previous: 1, change: 2 });
    expect(rep.trends.costUsd.changePct).toBeCloseTo(87.5, 9);
    // r1: 10 epochs logged; r2 failed (its configured 20 epochs say nothing); r3: 5 epochs configured and done.
    const byId = Object.fromEntries(rep.runs.map((x: any) => [x.id, x]));
    expect(Object.keys(byId)).toEqual(['r1', 'r2', 'r3']);
    expect(byId.r1).toMatchObject({ functionalUnits: 10, functionalUnitSource: 'metric epoch (max)', sciGPerUnit: 90 });
    expect(byId.r2).toMatchObject({ functionalUnits: null, functionalUnitSource: null, sciGPerUnit: null });
    expect(byId.r3).toMatchObject({ functionalUnits: 5, functionalUnitSource: 'param epochs', sciGPerUnit: 45 });
    expect(rep.sci).toEqual({ unit: 'epoch', runsWithCount: 2, runsWithoutCount: 1, functionalUnits: 15, carbonG: 1125, gPerUnit: 75 });
    expect(rep.notes.join(' ')).toMatch(/1 of 3 runs did not record how many epochs they did/);
    expect(rep.daily).toHaveLength(31);
    expect(rep.daily[1]).toEqual({ day: '2026-10-02', runs: 1, energyKwh: 2.2, operationalG: 800, embodiedG: 100 });
    expect(rep.daily.reduce((s: number, d: any) => s + d.runs, 0)).toBe(3);
    expect(rep.scheduling).toEqual({
      jobs: [{ jobId: 'job-1', name: expect.any(String), runId: 'r3', region: 'DE', expectedG: 150, immediateG: 400, plannedSavingG: 250, actualOperationalG: 200, realisedSavingG: 200, forecastSource: 'Electricity Maps forecast' }],
      plannedSavingG: 250,
      realisedSavingG: 200,
    });
    expect(rep.budgets.map((b: any) => b.name)).toEqual(['vision-carbon']);
  });

  it('counts samples per 1,000 from the running count the workload logged', async () => {
    const rep = JSON.parse((await report(['--project', 'vision', '--period', '2026-10', '--unit', 'samples:1000', '--json'])).stdout);
    expect(rep.runs[0]).toMatchObject({ id: 'r1', functionalUnits: 50, sciGPerUnit: 18, functionalUnitSource: 'metric samples (max)' });
    expect(rep.sci).toMatchObject({ unit: '1,000 samples', runsWithCount: 1, gPerUnit: 18 });
    const all = JSON.parse((await report(['--period', '2026-10', '--json'])).stdout);
    expect(all.project).toBeNull();
    expect(all.totals.runs).toBe(4);
    expect(all.sci).toMatchObject({ unit: 'run', runsWithCount: 4, gPerUnit: (1575 + 5500) / 4 });
    expect(all.budgets.map((b: any) => b.name)).toEqual(['nlp-only', 'vision-carbon']);
  });

  it('prints a text report', async () => {
    const r = await report(['--project', 'vision', '--period', '2026-10', '--unit', 'epoch']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Report: project vision, 2026-10/);
    expect(r.stdout).toMatch(/Total CO2e\s+1\.57 kg\s+1 kg\s+\+575 g\s+\+57\.5 %/);
    expect(r.stdout).toMatch(/Runs by status: succeeded 2, failed 1/);
    expect(r.stdout).toMatch(/SCI per epoch: 75 g CO2e \(2 of 3 runs counted, 15 x epoch\)/);
    expect(r.stdout).toMatch(/r2\s+=HYPERLINK\("http:\/\/x"\)\s+failed .* n\/a\s+n\/a/);
    expect(r.stdout).toMatch(/1 scheduled job\(s\): planned saving 250 g CO2e .* counterfactual 200 g CO2e/);
    expect(r.stdout).toMatch(/vision-carbon\s+vision\s+co2e\/month\s+2 kgCO2e/);
  });

  it('writes one CSV row per run with stable columns, quoting and defusing formulas', async () => {
    const r = await report(['--project', 'vision', '--period', '2026-10', '--unit', 'epoch', '--csv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\r\n');
    expect(lines[0]).toBe(REPORT_CSV_COLUMNS.join(','));
    expect(lines[0]).toBe(
      'run_id,name,project,status,started_at,ended_at,duration_s,cpu_kwh,gpu_kwh,memory_kwh,energy_kwh,operational_g,embodied_g,total_g,cost_usd,intensity_g_per_kwh,functional_unit,functional_units,functional_unit_source,sci_g_per_unit,job_id',
    );
    expect(lines).toHaveLength(5); // header, 3 runs, the final empty line
    expect(lines[1]).toBe('r1,train r1,vision,succeeded,2026-10-02T10:00:00.000Z,2026-10-02T10:30:00.000Z,1800,0.3,1.5,0.2,2.2,800,100,900,5,363.6,epoch,10,metric epoch (max),90,');
    expect(lines[2]).toBe(`r2,"'=HYPERLINK(""http://x"")",vision,failed,2026-10-05T10:00:00.000Z,2026-10-05T10:30:00.000Z,1800,0.2,0.7,0.1,${(0.2 + 0.7 + 0.1) * 1.1},400,50,450,,363.6,epoch,,,,`);
    expect(lines[3]).toMatch(/^r3,"<script>alert\(""x""\)<\/script>, a,b",vision,succeeded,.*,epoch,5,param epochs,45,job-1$/);
  });

  it('writes a self-contained HTML file with SVG charts and escaped text', async () => {
    const file = join(dir, 'oct.html');
    const r = await report(['--project', 'vision', '--period', '2026-10', '--unit', 'epoch', '--html', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Wrote .*oct\.html \(3 runs, \d+ KiB\)/);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg[\s>]/g)).toHaveLength(3);
    expect(html).toMatch(/Emissions per day \(g CO2e/);
    expect(html).toMatch(/Energy by component/);
    expect(html).toMatch(/Top runs by emissions/);
    expect(html).toMatch(/<rect|<path/);
    // User text is escaped everywhere, in tables and in the charts' labels.
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;, a,b');
    // Nothing is fetched: no src, no CSS url(), no import; the only URLs are links to sources.
    expect(html).not.toMatch(/\ssrc\s*=|url\(|@import|<link|<iframe|<object/i);
    // URLs in user text are text (escaped); every URL in markup is a link to a source.
    const refs = [...html.matchAll(/<(\w+)[^>]*?\s(?:href|xlink:href|action|poster|data)\s*=\s*"([^"]*)"/gi)].map((m) => [m[1], m[2]]);
    expect(refs.length).toBeGreaterThan(0);
    for (const [tag, url] of refs) expect([tag, url?.startsWith('https://')]).toEqual(['a', true]);
    expect(html).toContain('=HYPERLINK(&quot;http://x&quot;)');
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
    expect(html).toMatch(/SCI per epoch<b>75 g<\/b>/);
  });

  it('reports an empty period without charts or errors', async () => {
    const r = await report(['--project', 'vision', '--period', '2026-W10', '--html', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No runs in this period/);
    expect(r.stdout).not.toMatch(/<svg/);
    const j = JSON.parse((await report(['--project', 'vision', '--period', '2026-W10', '--json'])).stdout);
    expect(j.totals.runs).toBe(0);
    expect(j.sci.gPerUnit).toBeNull();
    expect(j.trends.totalG.changePct).toBeNull();
  });

  it.each([
    [['--period', '2026-13'], /no period "2026-13"/],
    [['--period', 'last-month'], /Invalid --period "last-month"/],
    [['--period', '2026-10', '--from', '2026-10-01', '--to', '2026-10-02'], /--period, or --from and --to, not both/],
    [['--from', '2026-10-01'], /needs both --from and --to/],
    [['--json', '--csv'], /Choose one output/],
    [['--unit', 'tokens'], /Invalid --unit "tokens"/],
    [['--period', '2026-10', '--html', join('/proc', 'no-such-dir', 'r.html')], /Cannot write the report to .*r\.html/],
  ])('refuses %j with exit 2', async (args, message) => {
    const r = await report(args);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(message); // with --json the error is JSON on stdout
  });

  it('checks the flags before touching the database', async () => {
    const fresh = join(dir, 'never.db');
    const r = await runCli(['report', '--period', 'nope', '--db', fresh]);
    expect(r.code).toBe(2);
    expect(existsSync(fresh)).toBe(false);
  });
});
