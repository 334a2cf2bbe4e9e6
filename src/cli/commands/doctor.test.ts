import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';

describe('greenml doctor', () => {
  it('reports every sampler with a reason when unavailable, the CPU model and the factors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenml-doctor-'));
    const r = await runCli(['doctor', '--json', '--country', 'FR', '--db', join(dir, 'g.db')]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    for (const name of ['procfs', 'cgroup', 'rapl', 'nvidia']) {
      const p = d.samplers[name];
      expect(typeof p.available).toBe('boolean');
      if (!p.available) expect(p.reason.length).toBeGreaterThan(10);
    }
    expect(d.cpu.logicalCpus).toBeGreaterThan(0);
    expect(d.cpu.powerModel).toMatch(/W TDP|W per vCPU/);
    expect(d.intensity.source).toMatch(/Our World in Data/);
    expect(d.settings.origin).toMatchObject({ country: 'flag', db: 'flag' });
    expect(d.database).toMatchObject({ ok: true });
  });

  it('says when the database cannot be opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenml-doctor-'));
    writeFileSync(join(dir, 'file'), 'x');
    const r = await runCli(['doctor', '--json', '--db', join(dir, 'file', 'g.db')]);
    expect(JSON.parse(r.stdout).database).toMatchObject({ ok: false });
  });
});
