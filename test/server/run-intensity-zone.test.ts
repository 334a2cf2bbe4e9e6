/**
 * A run charged at a time-resolved intensity series keeps the zone the series was read for
 * (Footprint.intensityZone), so the dashboard's run page reads the same series again instead of
 * guessing the zone from the location. Real child process, real meter, real SQLite store, and the
 * record read back through the API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureCommand, type MeasureDeps } from '../../src/app/index.js';
import type { IntensityPoint, IntensitySeries } from '../../src/core/index.js';
import * as meter from '../../src/meter/index.js';
import { createServer } from '../../src/server/index.js';
import { openStore, type Store } from '../../src/store/index.js';

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-zone-'));
  store = await openStore(join(dir, 'runs.db'));
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One point a second over [fromMs - 5 s, toMs + 5 s), 40 g/kWh on even seconds and 60 on odd ones. */
function seriesFor(zone: string, fromMs: number, toMs: number): IntensitySeries {
  const points: IntensityPoint[] = [];
  for (let t = Math.floor(fromMs / 1000) * 1000 - 5000; t < toMs + 5000; t += 1000) points.push({ t, durationS: 1, intensityGPerKwh: (t / 1000) % 2 === 0 ? 40 : 60 });
  return { zone, signal: 'average', kind: 'actual', source: `test series for ${zone}`, points };
}

async function measure(id: string, intensitySeries: MeasureDeps['intensitySeries']) {
  return measureCommand(
    {
      command: [process.execPath, '-e', 'const end = Date.now() + 1200; while (Date.now() < end) {}'],
      cwd: dir,
      project: 'zones',
      country: 'FR',
      intervalS: 0.2,
      flushEveryS: 0.5,
      guard: null,
      host: hostname(),
      pid: process.pid,
      env: process.env,
    },
    { store, meter, now: Date.now, newRunId: () => id, ...(intensitySeries ? { intensitySeries } : {}) },
  );
}

describe('Footprint.intensityZone', () => {
  it('names the zone of the series a run was charged at, and the API serves it', async () => {
    const asked: string[] = [];
    const { run } = await measure('run-zone-series', async (loc, fromMs, toMs) => {
      asked.push(loc.location.country ?? '');
      return seriesFor('FR', fromMs, toMs);
    });
    expect(asked).toEqual(['FR']);
    const f = run.footprint!;
    expect(f.intensityResolution).toBe('time-resolved');
    expect(f.intensityZone).toBe('FR');
    expect(f.intensity.source).toContain('test series for FR');
    // Energy-weighted over alternating 40 and 60 g/kWh seconds.
    expect(f.intensity.value).toBeGreaterThanOrEqual(40);
    expect(f.intensity.value).toBeLessThanOrEqual(60);

    const app = createServer({ store, intensity: () => { throw new Error('not asked'); }, version: 'test' });
    const res = await app.request('/api/v1/runs/run-zone-series?samples=false&metrics=false');
    expect(((await res.json()) as { run: { footprint: { intensityZone?: string } } }).run.footprint.intensityZone).toBe('FR');
  });

  it('is absent when no series was applied (no source, or one with nothing for the run)', async () => {
    const none = await measure('run-zone-none', undefined);
    expect(none.run.footprint!.intensityResolution).toBe('annual-average');
    expect(none.run.footprint).not.toHaveProperty('intensityZone');
    const empty = await measure('run-zone-empty', async () => null);
    expect(empty.run.footprint!.intensityResolution).toBe('annual-average');
    expect(empty.run.footprint).not.toHaveProperty('intensityZone');
  });
});
