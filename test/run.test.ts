/**
 * `greenml run` end to end, with the built CLI as a real process wrapping real children
 * (npm test builds first). Each test gets its own database file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { chooseCpuModel } from '../src/app/index.js';
import { cpuCapacityCores, cpuPowerW, utilizationFromCores } from '../src/core/index.js';
import { probeHost } from '../src/meter/index.js';
import { openStore } from '../src/store/index.js';
import { CLI, ROOT, spawnCli, spawnCliRaw } from './helpers/cli.js';
import { until } from './helpers/until.js';

const CHILD = (name: string): string => join(ROOT, 'test/fixtures/children', name);
let dir: string;
let db: string;
const env = (): NodeJS.ProcessEnv => ({ ...process.env, NO_COLOR: '1', GREENML_DB: db, XDG_DATA_HOME: dir });
const run = (args: string[], input?: Buffer | string) => spawnCliRaw(['run', ...args], { env: env(), ...(input !== undefined ? { input } : {}) });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-run-'));
  db = join(dir, 'greenml.db');
});

async function withStore<T>(fn: (s: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const s = await openStore(db);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

describe('greenml run measures a real child', () => {
  it('records the CPU a busy child used (about one core when the machine is idle), and energy within 15% of the model at that utilisation', async () => {
    // The child reports the CPU time it really got: on a loaded 2-core machine "one busy core" may
    // get less than a whole core, and the run must record what happened, not what was intended.
    const report = join(dir, 'busy.json');
    const r = spawnCliRaw(['run', '--interval', '0.5s', '--country', 'FR', '--', process.execPath, CHILD('busy.mjs'), '3'], { env: { ...env(), BUSY_REPORT: report } });
    expect(r.code, String(r.stderr)).toBe(0);
    const achieved = JSON.parse(readFileSync(report, 'utf8')) as { cpuS: number; wallS: number };
    await withStore(async (s) => {
      const { runs } = await s.listRuns({});
      expect(runs).toHaveLength(1);
      const rec = runs[0]!;
      expect(rec.status).toBe('succeeded');
      const samples = await s.listSamples(rec.id);
      const busy = samples.filter((x) => x.cpuCores !== null && x.dtS > 0.3);
      const cores = busy.reduce((a, x) => a + (x.cpuCores as number) * x.dtS, 0) / busy.reduce((a, x) => a + x.dtS, 0);
      const achievedCores = achieved.cpuS / achieved.wallS;
      expect(cores / achievedCores).toBeGreaterThan(0.85);
      expect(cores / achievedCores).toBeLessThan(1.15);
      expect(achieved.cpuS).toBeGreaterThanOrEqual(3);
      // The same model the run used, evaluated at the utilisation it recorded.
      const host = await probeHost();
      const { model } = chooseCpuModel({ cpuModel: host.cpu.model, logicalCpus: host.cpu.logicalCpus });
      const capacity = cpuCapacityCores(model) ?? host.cpu.logicalCpus;
      const expectedW = cpuPowerW(model, utilizationFromCores(cores, capacity));
      const measuredW = (rec.cpuKwh * 3.6e6) / rec.durationS;
      expect(measuredW / expectedW).toBeGreaterThan(0.85);
      expect(measuredW / expectedW).toBeLessThan(1.15);
      expect(rec.footprint?.components.find((c) => c.component === 'cpu')?.method).toBe('modeled');
      expect(rec.footprint?.intensity.source).toMatch(/Our World in Data/);
    });
  });

  it('uses a stored intensity series for its zone: the emissions are time-resolved', async () => {
    const csv = join(dir, 'fr.csv');
    const hour = 3_600_000;
    const start = Math.floor(Date.now() / hour) * hour - 2 * hour;
    const rows = Array.from({ length: 5 }, (_, i) => `${new Date(start + i * hour).toISOString()},123`);
    writeFileSync(csv, ['time,value', ...rows].join('\n') + '\n');
    const imp = spawnCli(['intensity', 'import', csv, '--zone', 'FR', '--format', 'csv'], { env: env() });
    expect(imp.code, imp.stderr).toBe(0);
    const r = run(['-q', '--country', 'FR', '--', process.execPath, CHILD('busy.mjs'), '0.5']);
    expect(r.code).toBe(0);
    await withStore(async (s) => {
      const rec = (await s.listRuns({})).runs[0]!;
      expect(rec.footprint?.intensityResolution).toBe('time-resolved');
      expect(rec.footprint?.intensityZone).toBe('FR');
      expect(rec.footprint?.intensity.value).toBeCloseTo(123, 6);
    });
  });

  it('ingests metrics and params from the metrics file and reports invalid lines', async () => {
    const script = join(dir, 'logs.mjs');
    writeFileSync(
      script,
      `import { appendFileSync } from 'node:fs';
       const f = process.env.GREENML_METRICS_FILE;
       appendFileSync(f, JSON.stringify({ param: 'lr', value: 0.001 }) + '\\n');
       for (let i = 1; i <= 3; i++) appendFileSync(f, JSON.stringify({ key: 'loss', value: 1 / i, step: i }) + '\\n');
       appendFileSync(f, 'not json\\n');
       console.log(process.env.GREENML_RUN_ID);`,
    );
    const r = run(['--', process.execPath, script]);
    expect(r.code).toBe(0);
    const id = String(r.stdout).trim();
    await withStore(async (s) => {
      const rec = await s.getRun(id);
      expect(rec?.params).toEqual({ lr: 0.001 });
      expect((await s.listMetrics(id)).map((m) => m.value)).toEqual([1, 0.5, 1 / 3]);
      expect(rec?.footprint?.notes.join(' ')).toMatch(/1 invalid line.*line 5/);
    });
  });
});

describe('greenml run is transparent', () => {
  it.each([
    ['exit 0', [process.execPath, CHILD('exit-with.mjs'), '0'], 0],
    ['exit 3', [process.execPath, CHILD('exit-with.mjs'), '3'], 3],
    ['command not found', ['greenml-no-such-command-xyz'], 127],
    ['not executable', [CHILD('not-executable.sh')], 126],
    ['child SIGTERMed', ['sh', '-c', 'kill -TERM $$'], 143],
  ])('passes the exit code through: %s', (_label, command, code) => {
    if (command[0] === CHILD('not-executable.sh')) chmodSync(command[0] as string, 0o644);
    const r = run(['-q', '--', ...(command as string[])]);
    expect(r.code).toBe(code);
  });

  it('records a command that was not found as failed, with the reason', async () => {
    run(['-q', '--', 'greenml-no-such-command-xyz']);
    await withStore(async (s) => {
      const rec = (await s.listRuns({})).runs[0]!;
      expect(rec).toMatchObject({ status: 'failed' });
      expect(rec.statusReason).toMatch(/ENOENT/);
    });
  });

  it('passes binary stdout and stdin through unchanged, and keeps its summary on stderr', () => {
    const out = run(['--', process.execPath, CHILD('bytes.mjs'), String(3 * 1024 * 1024 + 7)]);
    expect(out.code).toBe(0);
    const bytes = out.stdout;
    expect(bytes.length).toBe(3 * 1024 * 1024 + 7);
    for (let i = 0; i < bytes.length; i += 4099) expect(bytes[i]).toBe(i % 256);
    expect(String(out.stderr)).toMatch(/greenml run \w+ succeeded/);

    const input = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < input.length; i++) input[i] = (i * 7) % 256;
    const echoed = run(['-q', '--', process.execPath, CHILD('cat.mjs')], input);
    expect(Buffer.compare(echoed.stdout, input)).toBe(0);
    expect(String(echoed.stderr)).toBe('');
  });

  it('forwards SIGINT to the child, which exits 130, and exits 130 itself', async () => {
    const p = spawn(process.execPath, [CLI, 'run', '-q', '--', process.execPath, CHILD('count-sigint.mjs')], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    p.stdout.on('data', (d) => (stdout += d));
    await new Promise<void>((resolve) => p.stderr.on('data', (d) => String(d).includes('ready') && resolve()));
    p.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => p.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stdout).toBe('sigint 1\n');
  });
});

describe('greenml run keeps what it measured', () => {
  it('a run whose wrapper is killed with -9 is listed as lost with its samples up to the last flush', async () => {
    const p = spawn(process.execPath, [CLI, 'run', '-q', '--interval', '0.2s', '--flush-every', '0.5s', '--', process.execPath, CHILD('busy.mjs'), '30'], {
      env: env(),
      stdio: 'ignore',
    });
    // Killed once four samples are flushed, not after a fixed time that a slow start could eat.
    const flushed = async (): Promise<number> =>
      withStore(async (s) => {
        const run = (await s.listRuns({ limit: 1 })).runs[0];
        return run ? (await s.listSamples(run.id)).length : 0;
      });
    await until('four samples in the store', async () => (await flushed()) >= 4, 20_000, 200);
    p.kill('SIGKILL');
    await new Promise((r) => p.on('exit', r));
    // The orphaned child keeps running; stop it so it does not load the machine.
    spawnSync('pkill', ['-f', `${CHILD('busy.mjs')} 30`]);
    const list = spawnCli(['runs', 'list', '--json'], { env: env() });
    const { runs } = JSON.parse(list.stdout);
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('lost');
    expect(runs[0].statusReason).toMatch(/gone/);
    expect(runs[0].energyKwh).toBeGreaterThan(0);
    await withStore(async (s) => {
      expect((await s.listSamples(runs[0].id)).length).toBeGreaterThanOrEqual(4);
    });
  });

  it('four runs at once on one database all complete', async () => {
    const procs = [0, 1, 2, 3].map(
      () =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const p = spawn(process.execPath, [CLI, 'run', '-q', '--interval', '0.2s', '--flush-every', '0.2s', '--', process.execPath, CHILD('busy.mjs'), '1'], { env: env() });
          let stderr = '';
          p.stderr.on('data', (d) => (stderr += d));
          p.on('exit', (code) => resolve({ code, stderr }));
        }),
    );
    const results = await Promise.all(procs);
    for (const r of results) {
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/busy|locked|warning/i);
    }
    await withStore(async (s) => {
      const { runs } = await s.listRuns({});
      expect(runs.map((x) => x.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
      for (const x of runs) expect((await s.listSamples(x.id)).length).toBeGreaterThan(2);
    });
  });
});

describe('greenml run predicts and guards', () => {
  it('reads tqdm bars on stderr (passed through untouched) and stops the run by a guard only after the warm-up', async () => {
    // 12.6 J: the prediction at 20 % (about 20 J idle, 30 J loaded) passes it, while the energy used by
    // then (about 5 J idle, 8 J with four busy loops: the Teads curve charges idle power for the
    // longer wall time) stays under it, so the guard trips on the prediction after the warm-up.
    const r = spawnCliRaw(
      ['run', '--interval', '0.2s', '--flush-every', '0.2s', '--max-kwh', '0.0000035', '--on-exceed', 'stop', '--warmup', '0.2', '--', process.execPath, CHILD('progress-bar.mjs'), '40'],
      { env: env() },
    );
    const stderr = String(r.stderr);
    // The bar reached greenml's stderr byte for byte, carriage returns included.
    expect(stderr).toMatch(/\r {2}\d%\|/);
    const fractions = [...stderr.matchAll(/(\d+)\/40 \[/g)].map((m) => Number(m[1]) / 40);
    const last = fractions[fractions.length - 1] as number;
    expect(last).toBeGreaterThanOrEqual(0.2);
    expect(last).toBeLessThan(1);
    expect(stderr).toMatch(/guard: stopping the run/);
    await withStore(async (s) => {
      const rec = (await s.listRuns({})).runs[0]!;
      expect(rec.status).toBe('stopped-by-guard');
      expect(rec.statusReason).toMatch(/predicted|--max-kwh/);
      const keys = new Set((await s.listMetrics(rec.id)).map((m) => m.key));
      expect(keys.has('greenml/predicted_energy_kwh')).toBe(true);
      expect(keys.has('greenml/progress')).toBe(true);
    });
  });

  it('never stops a run below its limits', () => {
    const r = spawnCliRaw(['run', '-q', '--interval', '0.2s', '--flush-every', '0.2s', '--max-kwh', '10', '--on-exceed', 'stop', '--', process.execPath, CHILD('progress-bar.mjs'), '8'], { env: env() });
    expect(r.code).toBe(0);
    expect(String(r.stderr)).not.toMatch(/guard/);
  });
});

describe('greenml run counts the last progress line', () => {
  // Burns CPU, reports epoch 1 of 2, burns again, reports epoch 2 and exits at once: the last line
  // is read only by the final tick, after which the one and only flush (--flush-every 60s) happens.
  const child = [
    process.execPath,
    '-e',
    `const fs = require('fs'); const burn = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
     const line = (o) => fs.appendFileSync(process.env.GREENML_METRICS_FILE, JSON.stringify(o) + '\\n');
     burn(300); line({ epoch: 1, epochs: 2 }); burn(300); line({ epoch: 2, epochs: 2 });`,
  ];

  it('ends the recorded progress and prediction at the end of the run', async () => {
    const r = run(['-q', '--interval', '0.1s', '--flush-every', '60s', '--', ...child]);
    expect(r.code, String(r.stderr)).toBe(0);
    await withStore(async (s) => {
      const rec = (await s.listRuns({})).runs[0]!;
      const metrics = await s.listMetrics(rec.id);
      const last = (key: string) => metrics.filter((m) => m.key === key).sort((a, b) => a.t - b.t).at(-1)?.value;
      expect(last('greenml/progress')).toBe(1);
      // At progress 1 the prediction is what was measured.
      expect(last('greenml/predicted_energy_kwh')).toBeCloseTo(rec.energyKwh, 12);
    });
  });

  it('never marks a run that ended by itself as stopped by a guard, even when its last line crosses the warm-up', async () => {
    const r = run(['-q', '--interval', '0.1s', '--flush-every', '60s', '--max-kwh', '0.000000001', '--on-exceed', 'stop', '--warmup', '1', '--', ...child]);
    expect(r.code, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).not.toMatch(/guard/);
    await withStore(async (s) => expect((await s.listRuns({})).runs[0]!.status).toBe('succeeded'));
  });
});

describe('greenml run checks budgets when it ends', () => {
  it('posts one webhook when the run crosses a budget threshold, and none on the next run', async () => {
    const { createServer } = await import('node:http');
    const bodies: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const set = spawnCli(['budget', 'set', 'tiny', '--amount', '1J', '--period', 'month', '--notify', 'actual:50%', '--webhook', `http://127.0.0.1:${port}/hook`], { env: env() });
      expect(set.code, set.stderr).toBe(0);
      // Runs in a child process: the receiver lives in this one, so it must not block on spawnSync.
      const runOnce = () =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const p = spawn(process.execPath, [CLI, 'run', '-q', '--', process.execPath, CHILD('busy.mjs'), '0.5'], { env: env() });
          let stderr = '';
          p.stderr.on('data', (d) => (stderr += d));
          p.on('exit', (code) => resolve({ code, stderr }));
        });
      const first = await runOnce();
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(/budget "tiny" crossed actual/);
      expect(bodies).toHaveLength(1);
      const second = await runOnce();
      expect(second.code).toBe(0);
      expect(bodies).toHaveLength(1);
    } finally {
      server.close();
    }
  });
});

describe('greenml run rejects bad input before running anything', () => {
  const marker = (): string => join(dir, 'ran');
  const touch = (): string[] => ['--', process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker())}, 'x')`];

  it.each([
    ['unknown region', ['--region', 'gcp:europe-wset4'], /Unknown region "gcp:europe-wset4".*gcp:europe-west4/],
    ['bad interval', ['--interval', 'fast'], /--interval/],
    ['interval out of range', ['--interval', '0.01s'], /interval/],
    ['bad guard', ['--max-co2e', '2'], /--max-co2e/],
    ['unknown pricing', ['--pricing', 'cheap'], /Invalid --pricing "cheap": use on-demand, spot, reserved-1y, reserved-3y/],
  ])('%s: exit 2 with a clear message', (_label, flags, message) => {
    const r = run([...(flags as string[]), ...touch()]);
    expect(r.code).toBe(2);
    expect(String(r.stderr)).toMatch(message as RegExp);
    expect(existsSync(marker())).toBe(false);
  });

  it('no command: exit 2', () => {
    const r = run([]);
    expect(r.code).toBe(2);
    expect(String(r.stderr)).toMatch(/missing required argument 'command/);
  });

  it('unreadable database path: exit 2, nothing run', () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    const r = spawnCli(['run', '--db', join(file, 'sub', 'greenml.db'), ...touch()], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Cannot open the database/);
    expect(existsSync(marker())).toBe(false);
  });
});

it('the CLI file is executable through node', () => {
  expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
});
