import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const shared = process.env.GREENML_SHARED_CATALOGS ?? '/work/shared/data/catalogs';

/** Runs the CLI in-process (plain text) and captures what it writes. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(argv);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('greenml catalog', () => {
  it('lists regions sorted by intensity with year, basis and source', async () => {
    const { code, out } = await run('catalog', 'regions', '--provider', 'gcp', '--max-intensity', '20');
    expect(code).toBe(0);
    const lines = out.split('\n').filter((l) => l.startsWith('gcp:'));
    // region-carbon-info 2024: europe-north2 2.73 < northamerica-northeast1 5.48 < europe-west6 15.05 < europe-west9 16.30
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['gcp:europe-north2', 'gcp:northamerica-northeast1', 'gcp:europe-west6', 'gcp:europe-west9']);
    expect(lines[0]).toMatch(/2\.73\s+2024\s+region\s+100%\s+1\.1\s+gcp-region-carbon-info/);
    expect(out).toMatch(/^REGION\s+LOCATION\s+gCO2e\/kWh\s+YEAR\s+BASIS/);
  });

  it('prints regions as JSON with the intensity factor and its source', async () => {
    const { code, out } = await run('catalog', 'regions', '--country', 'US-VA', '--json');
    expect(code).toBe(0);
    const rows = JSON.parse(out) as Array<{ id: string; intensity: { value: number; year: number; sourceId: string } }>;
    expect(rows.map((r) => r.id)).toContain('aws:us-east-1');
    expect(rows.find((r) => r.id === 'aws:us-east-1')?.intensity).toMatchObject({ value: 308, year: 2020, sourceId: 'ga-ci-aggregated' });
  });

  it('lists hardware by kind, accelerators and CPU micro-architectures', async () => {
    const gpus = await run('catalog', 'hardware', '--kind', 'gpu');
    expect(gpus.code).toBe(0);
    expect(gpus.out).toMatch(/nvidia-h100-sxm5-80gb\s+gpu\s+700\s+77\*\s+66\.9\s+989\.4/);
    expect(gpus.out).not.toMatch(/google-tpu/);
    const cpu = await run('catalog', 'hardware', '--kind', 'cpu-arch', '--json');
    const archs = JSON.parse(cpu.out) as Array<{ id: string; suspicious: boolean }>;
    expect(archs.find((a) => a.id === 'aws:epyc-5th-gen')?.suspicious).toBe(true);
    const bad = await run('catalog', 'hardware', '--kind', 'fpga');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Unknown --kind "fpga"/);
  });

  it('lists instances with an accelerator and their cheapest on-demand price', async () => {
    const { code, out } = await run('catalog', 'instances', '--provider', 'aws', '--gpu', 'a100');
    expect(code).toBe(0);
    // tsaol: p4d.24xlarge on-demand us-east-2 $21.95764 (us-east-1 lists $21.957642); CCF embodied 4,676.79 kg
    expect(out).toMatch(/aws:p4d\.24xlarge\s+8 x nvidia-a100-sxm4-40gb\s+320\s+96\s+1152\s+Cascade Lake\s+4677\*\s+\$21\.96\s+aws:us-east-2/);
    expect(out).not.toMatch(/p4de/);
    const json = JSON.parse((await run('catalog', 'instances', '--gpu', 'tpu-v5p', '--json')).out) as Array<{ id: string; cheapestOnDemand: { usd: number } | null }>;
    // SkyPilot v8: tpu-v5p-8 $19.116/h in us-south1 is the only v5p-8 price; v5p-16 from $33.60
    expect(json.map((i) => i.id).sort()).toEqual(['gcp:tpu-v5p-16', 'gcp:tpu-v5p-8']);
    expect(json.find((i) => i.id === 'gcp:tpu-v5p-16')?.cheapestOnDemand?.usd).toBe(33.6);
  });

  it('shows every field of a record with its unit and source, and the sources cited', async () => {
    const { code, out } = await run('catalog', 'show', 'gcp:europe-west4');
    expect(code).toBe(0);
    expect(out).toMatch(/intensityGPerKwh\s+208\.81\s+gCO2e\/kWh\s+2024\s+official\s+gcp-region-carbon-info/);
    expect(out).toMatch(/pue\s+1\.07\s+ratio .*2022\s+official\s+ccf-constants/);
    expect(out).toMatch(/gcp-region-carbon-info: Google Cloud, region-carbon-info/);
    expect(out).toMatch(/licence: Apache-2\.0/);
  });

  it('shows an accelerator\'s corrections and an instance\'s prices, also as JSON', async () => {
    const t4 = await run('catalog', 'show', 'nvidia-tesla-t4');
    expect(t4.out).toMatch(/corrections to the upstream data\n\s+fp16TflopsDense: — -> 65 \(nvidia-t4-datasheet\)/);
    const p4d = JSON.parse((await run('catalog', 'show', 'aws:p4d.24xlarge', '--json')).out) as {
      kind: string; prices: Array<{ region: string; pricing: string; usdPerHour: number }>; sources: Array<{ id: string }>;
    };
    expect(p4d.kind).toBe('instance');
    expect(p4d.prices.find((p) => p.region === 'aws:us-east-1' && p.pricing === 'on-demand')?.usdPerHour).toBe(21.957642);
    expect(p4d.sources.map((s) => s.id)).toEqual(expect.arrayContaining(['tsaol-aws-gpu', 'skypilot-catalog', 'ccf-coefficients-embodied']));
    const country = await run('catalog', 'show', 'FR', '--json');
    expect(JSON.parse(country.out)).toMatchObject({ kind: 'country', id: 'FR' });
  });

  it('exits 2 with a suggestion for an unknown id, in text and JSON', async () => {
    const text = await run('catalog', 'show', 'europe-wst4');
    expect(text.code).toBe(2);
    expect(text.err).toMatch(/Unknown catalog id "europe-wst4"\. Did you mean gcp:europe-west4/);
    const json = await run('catalog', 'regions', '--provider', 'gcp', '--max-intensity', 'low', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out)).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    const gpu = await run('catalog', 'instances', '--gpu', 'h1000');
    expect(gpu.code).toBe(2);
    expect(gpu.err).toMatch(/Unknown accelerator "h1000"\. Did you mean/);
  });

  it('has --help on each subcommand', async () => {
    for (const sub of ['regions', 'hardware', 'instances', 'show']) {
      const { code, out } = await run('catalog', sub, '--help');
      expect(code, sub).toBe(0);
      expect(out, sub).toMatch(/Usage: greenml catalog/);
    }
  });
});

describe('bundled catalog data', () => {
  // The JSON is generated; this proves the committed files are what the build script makes of the
  // shared data bundle (skipped where the bundle is not mounted, e.g. outside the workspace).
  it.skipIf(!existsSync(`${shared}/SOURCES.md`))('is what scripts/catalog/build.mjs produces from the shared data', () => {
    const out = execFileSync(process.execPath, [`${root}scripts/catalog/build.mjs`, shared, '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/up to date/);
  });
});
