import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GreenmlError } from '../../core/index.js';
import { loadPlanFixtureCatalog } from '../../../test/fixtures/plan/catalog.js';
import { main } from '../program.js';
import { parseBoardCount, parseCount, planRequestFromFlags, renderPlan, renderPlanCsv, runPlan } from './plan.js';

const catalog = loadPlanFixtureCatalog();

beforeAll(() => {
  process.env.NO_COLOR = '1';
  delete process.env.GREENML_INSTANCE;
  delete process.env.GREENML_REGION;
});
afterEach(() => vi.restoreAllMocks());

/** Runs the CLI in-process and captures what it prints. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, out, err };
}

const invalid = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof GreenmlError && e.code === 'INVALID_INPUT') return e.message;
    throw e;
  }
  throw new Error('expected INVALID_INPUT');
};

describe('plan flags', () => {
  it('reads counts with SI-like suffixes', () => {
    expect(parseCount('7e9', '--params')).toBe(7e9);
    expect(parseCount('7B', '--params')).toBe(7e9);
    expect(parseCount('1.5T', '--tokens')).toBe(1.5e12);
    expect(parseCount('350m', '--params')).toBe(3.5e8);
    expect(() => parseCount('seven', '--params')).toThrow('Invalid --params "seven": give a positive number, e.g. 7e9, 7B, 350M or 1.5T.');
  });

  it('reads accelerator counts per instance', () => {
    expect(parseBoardCount('8')).toEqual({ min: 8, max: 8 });
    expect(parseBoardCount('1-2')).toEqual({ min: 1, max: 2 });
    expect(parseBoardCount('4+')).toEqual({ min: 4 });
    expect(() => parseBoardCount('2-1')).toThrow('Invalid --gpus "2-1": give accelerators per instance as 8 (exactly), 1-2 (a range) or 4+ (at least).');
    expect(planRequestFromFlags({ gpuHours: '3', on: 'l4', gpus: '1' }).constraints?.acceleratorCount).toEqual({ min: 1, max: 1 });
  });

  it('builds a request with constraints from the flags', () => {
    const req = planRequestFromFlags({ params: '7B', tokens: '1T', mfu: '0.35', deadline: '14d', budgetUsd: '$50000', minGpuMemory: '80GB', providers: 'AWS, gcp', regions: 'us-east-1,gcp:europe-west4', pricing: 'spot,on-demand', optimize: 'carbon', nodes: '2' });
    expect(req.workload).toEqual({ kind: 'training', params: 7e9, tokens: 1e12, mfu: 0.35, bytesPerParam: undefined });
    expect(req.constraints).toEqual({ deadlineS: 14 * 86_400, budgetUsd: 50_000, minGpuMemoryGb: 80, providers: ['aws', 'gcp'], regions: ['us-east-1', 'gcp:europe-west4'], pricing: ['spot', 'on-demand'] });
    expect(req.optimize).toBe('carbon');
    expect(req.nodes).toBe(2);
  });

  it('says what is wrong with the workload flags', () => {
    expect(invalid(() => planRequestFromFlags({}))).toMatch(/^Describe the workload one way: --params N --tokens D/);
    expect(invalid(() => planRequestFromFlags({ params: '7e9', gpuHours: '10', on: 'h100' }))).toMatch(/\(several were given\)/);
    expect(invalid(() => planRequestFromFlags({ params: '7e9' }))).toBe('--params and --tokens go together: give both, e.g. --params 7e9 --tokens 1e12.');
    expect(invalid(() => planRequestFromFlags({ gpuHours: '10' }))).toMatch(/--gpu-hours needs --on <accelerator>/);
    expect(invalid(() => planRequestFromFlags({ gpuHours: '10', on: 'h100', mfu: '0.5' }))).toMatch(/--mfu and --bytes-per-param apply to --params\/--tokens only/);
    expect(invalid(() => planRequestFromFlags({ params: '7e9', tokens: '1e12', mfu: '40' }))).toBe('Invalid --mfu (fraction of dense peak, e.g. 0.4) "40": expected a number between 0 and 1.');
    expect(invalid(() => planRequestFromFlags({ params: '7e9', tokens: '1e12', precision: 'fp4' }))).toBe('Invalid --precision "fp4": use one of fp32, tf32, fp16, bf16, fp8, int8.');
    expect(invalid(() => planRequestFromFlags({ params: '7e9', tokens: '1e12', pricing: 'spot,cheap' }))).toMatch(/^Invalid --pricing "cheap": use on-demand, spot, reserved-1y, reserved-3y \(reserved = reserved-1y\)/);
    expect(planRequestFromFlags({ params: '7e9', tokens: '1e12', pricing: 'Reserved, spot' }).constraints?.pricing).toEqual(['reserved-1y', 'spot']);
    expect(invalid(() => planRequestFromFlags({ params: '7e9', tokens: '1e12', deadline: 'soon' }))).toMatch(/^Invalid --deadline "soon"/);
    expect(invalid(() => planRequestFromFlags({ params: '7e9', tokens: '1e12', nodes: '1.5' }))).toBe('--nodes must be a whole number, got 1.5.');
  });
});

describe('plan output on the fixed test catalog', () => {
  it('renders the table, the recommendations and the assumptions (golden)', async () => {
    const r = await runPlan({ params: '7e9', tokens: '1e12' }, { catalog });
    const text = renderPlan(r, 10);
    await expect(text + '\n').toMatchFileSnapshot('../../../test/fixtures/plan/golden/table-params-7e9-tokens-1e12.txt');
    // Every Pareto row in view carries the mark, and only those.
    for (const line of text.split('\n').filter((l) => /@|^\s*\d+\s/.test(l) && l.includes(':'))) {
      const cells = line.trim().split(/\s{2,}/);
      if (!/^\d+$/.test(cells[0] ?? '')) continue;
      const id = `${(cells[2] ?? '').replace(' (current)', '')}@${cells[3]}:${cells[4]}`;
      expect(cells[1] === '*').toBe(r.paretoIds.includes(id));
    }
    expect(text).toContain(r.recommendations[0]?.sentence);
  });

  it('adds the current choice under the top rows when it is not among them', async () => {
    const r = await runPlan({ params: '7e9', tokens: '1e12', current: 'p4de.24xlarge@us-east-1' }, { catalog });
    const lines = renderPlan(r, 3).split('\n');
    const rows = lines.filter((l) => /^\s*\d+\s.*\s(aws|gcp|azure):/.test(l));
    expect(rows).toHaveLength(4);
    expect(rows[3]).toMatch(/p4de\.24xlarge \(current\)\s+aws:us-east-1\s+on-demand/);
    expect(lines.join('\n')).toMatch(/The last row is the current choice\./);
  });

  it('prints every feasible option as CSV', async () => {
    const r = await runPlan({ params: '7e9', tokens: '1e12' }, { catalog });
    const lines = renderPlanCsv(r).split('\n');
    expect(lines[0]).toBe('rank,id,pareto,provider,instance_type,region,pricing,accelerator,accelerator_count,vcpus,price_usd_per_hour,duration_s,it_power_w,pue,energy_kwh,intensity_g_per_kwh,operational_g,embodied_g,total_g,cost_usd,notes');
    expect(lines).toHaveLength(r.options.length + 1);
    expect(lines[1]?.startsWith(`1,${r.options[0]?.id},${r.options[0]?.pareto},`)).toBe(true);
    // Notes with commas are quoted.
    expect(lines.find((l) => l.includes('reserved-1y: effective'))).toMatch(/,"reserved-1y: effective hourly rate of a 1-year commitment \([\d,]+ USD per instance\); the plan charges only the job's hours"$/);
  });
});

describe('greenml plan (in-process, bundled catalog)', () => {
  it('exits 2 with the INFEASIBLE message naming the constraint', async () => {
    const { code, out, err } = await cli(['plan', '--params', '7e9', '--tokens', '1e12', '--deadline', '3d']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^greenml: error: No option satisfies the constraints: of [\d,]+ options, (?:[\d,]+ have accelerators with a dense bf16 figure \(or its fallback\), )?[\d,]+ hold 112 GB of model state, and the deadline of 3d 0h 0m removed the last [\d,]+: the fastest of them, .+, takes \d+d \d+h \d+m \(spreading the work over more instances with --nodes divides the time\)\.\n$/);
  });

  it('prints the error as JSON with --json', async () => {
    const { code, out } = await cli(['plan', '--params', '7e9', '--tokens', '1e12', '--budget-usd', '10', '--json']);
    expect(code).toBe(2);
    const body = JSON.parse(out) as { error: { code: string; message: string; details: { stage: string } } };
    expect(body.error.code).toBe('INFEASIBLE');
    expect(body.error.details.stage).toBe('budget');
  });

  it('prints the full result with --json and every option with --csv', async () => {
    const j = await cli(['plan', '--gpu-hours', '100', '--on', 'h100', '--providers', 'gcp', '--json']);
    expect(j.code).toBe(0);
    const r = JSON.parse(j.out) as { options: { id: string; offer: { provider: string } }[]; paretoIds: string[]; recommendations: { goal: string; sentence: string }[]; assumptions: { source: string }[] };
    expect(r.options.length).toBeGreaterThan(0);
    expect(r.options.every((o) => o.offer.provider === 'gcp')).toBe(true);
    expect(r.recommendations.map((x) => x.goal)).toEqual(['balanced', 'carbon', 'cost', 'time']);
    expect(r.assumptions.every((a) => a.source.length > 0)).toBe(true);
    const c = await cli(['plan', '--gpu-hours', '100', '--on', 'h100', '--providers', 'gcp', '--csv']);
    expect(c.out.trimEnd().split('\n')).toHaveLength(r.options.length + 1);
  });

  it('rejects bad flags with exit 2', async () => {
    const r = await cli(['plan', '--params', '7e9', '--tokens', '1e12', '--optimize', 'speed']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('greenml: error: Invalid --optimize "speed": use one of carbon, cost, time, balanced.\n');
    const u = await cli(['plan', '--gpu-hours', '5', '--on', 'h1000']);
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/Unknown accelerator "h1000"/);
  });
});
