/**
 * Real Python ML workloads under `greenml run` (the examples in examples/python, and a tqdm loop
 * that knows nothing of greenml). They need a Python with Debian's python3-torch, python3-sklearn
 * and python3-tqdm; where none is found the tests skip and say which module was missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricPoint } from '../src/core/index.js';
import { openStore } from '../src/store/index.js';
import { ROOT, spawnCliRaw } from './helpers/cli.js';

// Debian's packages land in the system interpreter, which a pyenv or venv python3 on PATH hides.
const PYTHONS = ['/usr/bin/python3', 'python3'];
function pythonWith(module: string): string | null {
  for (const py of PYTHONS) {
    const r = spawnSync(py, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 60_000 });
    if (r.status === 0) return py;
  }
  return null;
}
const torchPy = pythonWith('torch');
const sklearnPy = pythonWith('sklearn');
const tqdmPy = pythonWith('tqdm');
for (const [module, py] of [['torch', torchPy], ['sklearn', sklearnPy], ['tqdm', tqdmPy]] as const) {
  if (!py) console.warn(`[python workloads] ${module} test skipped: no ${PYTHONS.join(' or ')} can import ${module} (apt-get install python3-${module})`);
}

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-py-'));
  db = join(dir, 'greenml.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) =>
  spawnCliRaw(['run', '--interval', '0.2s', '--flush-every', '0.2s', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', GREENML_DB: db, XDG_DATA_HOME: dir, OMP_NUM_THREADS: '1' },
    timeout: 120_000,
  });

async function recorded() {
  const s = await openStore(db);
  try {
    const { runs } = await s.listRuns({});
    expect(runs).toHaveLength(1);
    const rec = runs[0]!;
    return { rec, metrics: await s.listMetrics(rec.id), samples: await s.listSamples(rec.id) };
  } finally {
    await s.close();
  }
}

// By step, then by time: progress points carry no step, and their order is what the test reads.
const series = (metrics: MetricPoint[], key: string) => metrics.filter((m) => m.key === key).sort((a, b) => (a.step ?? 0) - (b.step ?? 0) || a.t - b.t);

describe('greenml run wraps real Python training', { timeout: 150_000 }, () => {
  it.skipIf(!torchPy)('records a PyTorch CNN: output passed through, params, accuracy per epoch, progress to the end, CPU energy', async () => {
    const r = run(['--project', 'py', '--', torchPy!, 'examples/python/train_torch.py', '--epochs', '3', '--samples', '2048']);
    expect(r.code, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toMatch(/epoch 3\/3 loss [\d.]+ accuracy [\d.]+\n$/);
    const { rec, metrics, samples } = await recorded();
    expect(rec.status).toBe('succeeded');
    expect(rec.project).toBe('py');
    expect(rec.params).toMatchObject({ device: 'cpu', epochs: 3, lr: 0.001 });
    const accuracy = series(metrics, 'accuracy');
    expect(accuracy.map((m) => m.step)).toEqual([1, 2, 3]);
    expect(accuracy[2]!.value).toBeGreaterThan(0.5);
    expect(series(metrics, 'loss')).toHaveLength(3);
    expect(series(metrics, 'greenml/progress').at(-1)?.value).toBeCloseTo(1, 6);
    expect(rec.cpuKwh).toBeGreaterThan(0);
    expect(rec.footprint?.components.find((c) => c.component === 'cpu')?.method).toBeTruthy();
    // The interpreter's CPU shows up in the samples, not only in the final figure.
    expect(samples.some((x) => (x.cpuCores ?? 0) > 0.2)).toBe(true);
  });

  it.skipIf(!sklearnPy)('records scikit-learn gradient boosting stage by stage', async () => {
    const r = run(['--', sklearnPy!, 'examples/python/train_sklearn.py', '--estimators', '40']);
    expect(r.code, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toMatch(/40\/40 trees: test accuracy/);
    const { rec, metrics } = await recorded();
    expect(rec.params).toMatchObject({ estimators: 40, learning_rate: 0.1 });
    const accuracy = series(metrics, 'accuracy');
    expect(accuracy.map((m) => m.step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40]);
    expect(accuracy.at(-1)!.value).toBeGreaterThan(0.8);
    expect(series(metrics, 'greenml/progress').at(-1)?.value).toBeCloseTo(1, 6);
  });

  it.skipIf(!tqdmPy)('follows a plain tqdm loop on stderr without any change to the script, and passes the bar through', async () => {
    const script = 'import time\nfrom tqdm import tqdm\nfor _ in tqdm(range(25), desc="train"):\n    time.sleep(0.06)\n';
    const r = run(['--', tqdmPy!, '-c', script]);
    expect(r.code, String(r.stderr)).toBe(0);
    const stderr = String(r.stderr);
    expect(stderr).toMatch(/\rtrain: 100%\|[^\n]*\| 25\/25 \[/);
    const { metrics } = await recorded();
    const progress = series(metrics, 'greenml/progress');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)!.value).toBeCloseTo(1, 6);
    // The bar only goes forward.
    expect(progress.every((p, i) => i === 0 || p.value >= progress[i - 1]!.value)).toBe(true);
  });
});
