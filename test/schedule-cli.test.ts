/**
 * `greenml schedule` and `greenml jobs` end to end with the built CLI (npm test builds first):
 * bad input exits 2 and stores nothing, local deadlines are converted and stated in UTC, and
 * --wait counts down and runs the job here with its exit code. Intensity comes from a file of
 * one-second slots written around the current time, so windows are seconds away.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { JobRecord } from '../src/core/index.js';
import { openStore } from '../src/store/index.js';
import { spawnCli } from './helpers/cli.js';
import { secondsSeries } from './helpers/schedule-series.js';

let dir: string;
let db: string;
const env = (): NodeJS.ProcessEnv => ({ ...process.env, NO_COLOR: '1', GREENML_DB: db, XDG_DATA_HOME: dir, GREENML_INTERVAL: '0.2s', TZ: 'UTC' });
const cli = (args: string[]) => spawnCli(args, { env: env(), cwd: dir });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-sched-'));
  db = join(dir, 'greenml.db');
});

async function jobs(): Promise<JobRecord[]> {
  const s = await openStore(db);
  try {
    return (await s.listJobs({})).jobs;
  } finally {
    await s.close();
  }
}

describe('greenml schedule: bad input stores nothing', () => {
  it('a deadline too early for the duration exits 2 and names the earliest possible finish', async () => {
    const r = cli(['schedule', '--duration', '3h', '--deadline', '+2h', '--region', 'FR', '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/The deadline .* is too early: a 3h 0m job that starts at .* finishes at (\S+) at the earliest\. Move the deadline to \1 or later/);
    expect(await jobs()).toHaveLength(0);
  });

  it('an unknown time zone, an unknown region and a deadline it cannot read exit 2', async () => {
    const tz = cli(['schedule', '--duration', '1h', '--deadline', '2030-01-15 07:00', '--tz', 'Europe/Pariss', '--region', 'FR', '--', 'true']);
    expect(tz.code).toBe(2);
    expect(tz.stderr).toMatch(/Unknown time zone "Europe\/Pariss".*Europe\/Paris/);
    const region = cli(['schedule', '--duration', '1h', '--deadline', '+8h', '--region', 'gcp:mars-north1', '--', 'true']);
    expect(region.code).toBe(2);
    expect(region.stderr).toMatch(/mars-north1/);
    const when = cli(['schedule', '--duration', '1h', '--deadline', 'soonish', '--region', 'FR', '--', 'true']);
    expect(when.code).toBe(2);
    expect(when.stderr).toMatch(/Invalid --deadline "soonish"/);
    const lost = cli(['schedule', '--duration', '1h', '--deadline', '+8h', '--region', 'FR', '--on-lost', 'twice', '--', 'true']);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toMatch(/Invalid --on-lost "twice": use fail .* or retry/);
    expect(await jobs()).toHaveLength(0);
  });
});

describe('greenml schedule', () => {
  it('reads a local deadline in --tz, states it in UTC, and with only an annual average starts at once', async () => {
    const r = cli(['schedule', '--duration', '1h', '--deadline', '2030-01-15 07:00', '--tz', 'Europe/Paris', '--region', 'FR', '--json', '--', 'python', 'train.py']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { job: JobRecord; deadline: { utc: string; readAs: string }; plan: { strategy: string; forecast: { method: string } } };
    expect(out.deadline.utc).toBe('2030-01-15T06:00:00.000Z');
    expect(out.deadline.readAs).toMatch(/Europe\/Paris \(UTC\+01:00\)/);
    expect(out.plan.forecast.method).toBe('static');
    expect(out.plan.strategy).toBe('now');
    const stored = await jobs();
    expect(stored.map((j) => j.id)).toEqual([out.job.id]);
    expect(stored[0]?.spec.deadlineMs).toBe(Date.parse('2030-01-15T06:00:00Z'));
    expect(stored[0]?.spec.onLost).toBeUndefined();

    const human = cli(['jobs', 'show', out.job.id]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('2030-01-15 06:00Z (deadline)');
    expect(human.stdout).toMatch(/static/);

    const cancel = cli(['jobs', 'cancel', out.job.id]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toMatch(/Cancelled job \w+ \(it was pending\); it will not run/);
    expect((await jobs())[0]?.state).toBe('cancelled');
    const again = cli(['jobs', 'cancel', out.job.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already ended \(cancelled\)/);
  });

  it('--on-lost retry is kept on the job, which an agent then retries after a lost lease', async () => {
    const r = cli(['schedule', '--duration', '1h', '--deadline', '+8h', '--region', 'FR', '--on-lost', 'retry', '--json', '--', 'true']);
    expect(r.code, r.stderr).toBe(0);
    expect((await jobs())[0]?.spec.onLost).toBe('retry');
    const human = cli(['jobs', 'show', (JSON.parse(r.stdout) as { job: JobRecord }).job.id]);
    expect(human.stdout).toMatch(/If lost\s+retry on another agent/);
  });

  it('prints the window in UTC and local time, the saving, the forecast and a chart with the window marked', () => {
    const csv = join(dir, 'series.csv');
    secondsSeries(csv, 20, 30);
    const r = spawnCli(['schedule', '--duration', '5s', '--deadline', '+60s', '--region', 'DE', '--source', 'file', '--file', csv, '--energy', '2kWh', '--', 'true'], { env: { ...env(), TZ: 'Asia/Tokyo' }, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Window\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ – (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\dZ\s+\(.* Asia\/Tokyo\)/);
    expect(r.stdout).toMatch(/Expected\s+100 g at 50\.0 g\/kWh; starting at once: 600 g at 300 g\/kWh/);
    expect(r.stdout).toMatch(/Saving\s+500 g \(83\.3 %\)/);
    expect(r.stdout).toMatch(/Forecast\s+known-values · average signal · series\.csv/);
    expect(r.stdout).toMatch(/█+ {2}← planned window/);
  });

  it('--wait counts down on stderr (plain lines without a terminal), runs the job here and exits with its code', async () => {
    const csv = join(dir, 'series.csv');
    // The clean slot opens 8 s out: the CLI has planned well before then even on a loaded machine, so it waits.
    secondsSeries(csv, 8, 11);
    const r = cli(['schedule', '--wait', '--duration', '2s', '--deadline', '+30s', '--region', 'DE', '--source', 'file', '--file', csv, '--', process.execPath, '-e', 'console.log("ran"); process.exit(3)']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('ran\n');
    expect(r.stderr).toMatch(/greenml: waiting \d+(\.\d+)? s for /);
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).toMatch(/job \w+ failed \(exit 3\)/);
    const [job] = await jobs();
    expect(job?.state).toBe('failed');
    expect(job?.labels['greenml.waiter']).toMatch(/:\d+$/);
    expect(job?.startedAt).toBeGreaterThanOrEqual(job?.dueAtMs ?? Infinity);
    const s = await openStore(db);
    try {
      const run = await s.getRun(job?.runId as string);
      expect(run?.jobId).toBe(job?.id);
      expect(run?.exitCode).toBe(3);
    } finally {
      await s.close();
    }
  });
});
