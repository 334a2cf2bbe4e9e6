import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';

const json = async (args: string[]): Promise<Record<string, any>> => {
  const r = await runCli([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

describe('greenml estimate', () => {
  it('reproduces ML CO2 Impact: A100 SXM4 80GB x 100 h at 367.8 g/kWh, PUE 1 -> 40 kWh, 14.71 kg', async () => {
    // mlco2/impact js/grayscale.js with data/gpus.csv (400 W) and data/impact.csv (aws us-east-1 367.8 g/kWh).
    const r = await json(['estimate', '--gpu', 'a100-sxm4-80gb', '--hours', '100', '--pue', '1', '--intensity', '367.8']);
    expect(r.footprint.energyKwh).toBeCloseTo(40, 9);
    expect(r.footprint.operationalG / 1000).toBeCloseTo(14.712, 6);
    expect(r.footprint.components[0]).toMatchObject({ component: 'gpu', method: 'modeled' });
    expect(r.footprint.embodiedG).toBeGreaterThan(0);
  });

  it('uses the region for intensity and PUE, and the utilisation with the idle floor', async () => {
    const r = await json(['estimate', '--gpu', 'a100-80gb', '--count', '8', '--hours', '12', '--region', 'gcp:europe-west4', '--util', '0.6']);
    const f = r.footprint;
    expect(f.pue.value).toBeGreaterThan(1);
    expect(f.intensity.source).toMatch(/region-carbon-info/);
    expect(f.intensity.year).toBe(2024);
    const perGpuW = (f.components[0].energyKwh * 1000) / 12 / 8;
    expect(perGpuW).toBeGreaterThan(0.6 * 400);
    expect(perGpuW).toBeLessThan(400);
    expect(f.operationalG).toBeCloseTo(f.energyKwh * f.intensity.value, 6);
  });

  it('prices an instance from the catalog and says where the price came from', async () => {
    const r = await json(['estimate', '--instance', 'aws:p4d.24xlarge', '--region', 'aws:us-east-1', '--hours', '2']);
    expect(r.hardware).toMatchObject({ instance: 'aws:p4d.24xlarge', gpuCount: 8 });
    expect(r.footprint.cost).toMatchObject({ basis: 'on-demand' });
    expect(r.footprint.cost.usd).toBeCloseTo(2 * 21.957642, 4);
    expect(r.footprint.components.map((c: { component: string }) => c.component).sort()).toEqual(['cpu', 'gpu', 'memory']);
  });

  it('warns when no location is given and falls back to the world average', async () => {
    const r = await json(['estimate', '--gpu', 'h100', '--hours', '1']);
    expect(r.location).toBe('world average');
    expect(r.footprint.notes.join(' ')).toMatch(/world average/);
  });

  it('prints factors and sources for humans', async () => {
    const r = await runCli(['estimate', '--gpu', 'a100-80gb', '--count', '8', '--hours', '12', '--region', 'gcp:europe-west4', '--util', '0.6'], { NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Energy\s+26\.\d kWh/);
    expect(r.stdout).toMatch(/intensity\s+208\.8 gCO2e\/kWh/);
    expect(r.stdout).toMatch(/PUE\s+1\.07/);
  });

  it.each([
    [['estimate', '--gpu', 'a10000', '--hours', '1'], /Unknown accelerator "a10000".*Did you mean/],
    [['estimate', '--gpu', 'h100', '--hours', '1', '--region', 'gcp:europe-wset4'], /Unknown region.*gcp:europe-west4/],
    [['estimate', '--gpu', 'h100'], /duration/],
    [['estimate', '--gpu', 'h100', '--hours', '1', '--util', '1.5'], /--util/],
    [['estimate', '--hours', '1'], /Nothing to estimate/],
    [['estimate', '--gpu', 'h100', '--hours', '1', '--pue', '0.8'], /--pue/],
  ])('rejects bad input %j with exit 2 and a clear message', async (args, message) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });
});
