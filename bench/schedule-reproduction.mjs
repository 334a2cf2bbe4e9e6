// Scheduling benchmark: reproduces Let's Wait Awhile (Wiesner et al., Middleware 2021) with
// greenml's search, runs the same scenarios on 2023 Electricity Maps series with perfect foresight
// and with the 7-day baseline forecast side by side, measures the baseline forecast's error, and
// times the search. Prints tables; asserts nothing.
//
//   npx tsc -p tsconfig.build.json && node bench/schedule-reproduction.mjs
//
// Data is read at run time from ../shared/data/carbon (the Let's Wait Awhile series carry no licence
// and are never copied into the repository); a missing file skips its part with a message.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pcg64Generator } from './schedule-reproduction-rng.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'dist/core/index.js'))) {
  console.error('Build first: npx tsc -p tsconfig.build.json');
  process.exit(1);
}
const core = await import(join(root, 'dist/core/index.js'));
const { parseIntensityFile } = await import(join(root, 'dist/intensity/index.js'));
const { bestWindow, interruptiblePlan, bestRegionWindow, baselineForecast, forecastError, meanIntensityOver } = core;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SLOT = 30 * MIN; // Let's Wait Awhile's simulation step (MEASUREMENT_INTERVAL = 30 min)
const DATA = join(root, '../shared/data/carbon');
const pct = (x) => (x * 100).toFixed(2);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

// --- data ------------------------------------------------------------------------------------------

function load(file, opts) {
  const path = join(DATA, file);
  if (!existsSync(path)) {
    console.log(`(skipped: ${path} not found)`);
    return null;
  }
  return parseIntensityFile(readFileSync(path, 'utf8'), { name: file, ...opts }).series.points;
}

/** LWA keeps only the :00 and :30 values (simulate.py), each holding for 30 minutes. */
const halfHourly = (points) => points.filter((p) => p.t % SLOT === 0).map((p) => ({ t: p.t, durationS: 1800, intensityGPerKwh: p.intensityGPerKwh }));

const JAN1_2020 = Date.UTC(2020, 0, 1);
const lwa = {};
for (const [zone, file] of [
  ['DE', 'ger_ci.csv'],
  ['GB', 'gb_ci.csv'],
  ['FR', 'fr_ci.csv'],
]) {
  const points = load(file, { zone, format: 'lwa' });
  if (points) lwa[zone] = { raw: points, slots: halfHourly(points) };
}
const em = {};
for (const zone of ['US-CAL-CISO', 'ES', 'NO', 'BR']) {
  // Research §5 used the "direct" column; keep it so the figures compare.
  const points = load(`${zone}_2023_hourly.csv`, { format: 'electricitymaps', column: 'direct' });
  if (points) em[zone] = points;
}

// --- Scenario I: nightly 30-minute job at 01:00 UTC, +-w ---------------------------------------------

/** Paper figures (shared/research/scheduling.md §2.2, exact re-implementation of simulate.py). */
const PAPER_S1 = {
  DE: { 1: 1.69, 2: 2.8, 4: 3.97, 6: 7.52, 8: 13.76, clean8: 13.49 },
  GB: { 1: 4.73, 2: 6.81, 4: 8.61, 6: 9.12, 8: 10.41, clean8: 10.15 },
  FR: { 1: 2.92, 2: 4.72, 4: 6.09, 6: 7.13, 8: 7.79, clean8: 7.56 },
};

/**
 * LWA semantics: the job may start in any slot of [t0 - w, t0 + w] (ties: the first); a job whose
 * window starts before the data (day 0, w >= 1.5 h) is skipped, yet the total is still divided by 365.
 * `clean`: days 1-364 for every w, so all windows compare like with like.
 */
function scenarioI(slots, windowH, clean) {
  const dataStart = JAN1_2020; // simulate.py reads the series from 2020-01-01 on
  const days = clean ? [...Array(364).keys()].map((d) => d + 1) : [...Array(365).keys()];
  let chosen = 0;
  let nominal = 0;
  for (const d of days) {
    const t0 = JAN1_2020 + d * DAY + HOUR;
    const w = windowH * HOUR;
    nominal += meanIntensityOver(slots, t0, t0 + SLOT);
    if (!clean && t0 - w < dataStart) continue;
    chosen += bestWindow(slots, { durationS: 1800, earliestStartMs: t0 - w, deadlineMs: t0 + w + SLOT, nominalStartMs: t0 }).meanIntensityGPerKwh;
  }
  return 1 - chosen / nominal;
}

// --- Scenario II: ML training jobs ------------------------------------------------------------------

/**
 * simulate.py generate_batch_jobs: numpy default_rng(seed); a multinomial spreads n jobs over the
 * weekdays of the year; each day's submissions are drawn from 09:00..16:30 (30-min grid) and
 * sorted; then durations from 4 h to 89.5 h in 30-min steps, for all jobs at once.
 */
function lwaJobs(year, n = 3387, seed = 0) {
  const rng = new Pcg64Generator(seed);
  const days = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += DAY) days.push(t);
  const weekdays = days.filter((t) => new Date(t).getUTCDay() % 6 !== 0);
  const perDay = rng.multinomial(n, weekdays.map(() => 1 / weekdays.length));
  const count = new Map(weekdays.map((t, i) => [t, perDay[i]]));
  const startMinutes = Array.from({ length: 16 }, (_, i) => 540 + 30 * i);
  const starts = [];
  for (const day of days) {
    const k = count.get(day) ?? 0;
    for (const m of rng.choice(startMinutes, k).sort((a, b) => a - b)) starts.push(day + m * MIN);
  }
  const durations = rng.choice(Array.from({ length: 172 }, (_, i) => 240 + 30 * i), n);
  return starts.map((startMs, i) => ({ startMs, durationMin: durations[i] }));
}

const at9 = (ms, plusDays) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + plusDays, 9);
};

/**
 * Deadline from the original finish time oft (strategy.py _forecast_duration), with LWA's quirks:
 * next_workday sends Friday after 17:00 to Saturday 09:00; semi_weekly finishes by the next
 * Thursday or Monday 09:00.
 */
function lwaDeadline(oft, method) {
  const d = new Date(oft);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0 .. Sunday 6
  const time = d.getUTCHours() + (d.getUTCMinutes() === 30 ? 0.5 : 0);
  if (method === 'next_workday') {
    if (weekday === 5) return at9(oft, 2);
    if (weekday === 6 || time > 17) return at9(oft, 1);
    if (time < 9) return at9(oft, 0);
    return oft;
  }
  if ((weekday === 0 && time > 9) || weekday === 1 || weekday === 2 || (weekday === 3 && time <= 9)) return at9(oft, (7 - weekday + 3) % 7);
  return at9(oft, (7 - weekday) % 7);
}

/** greenml's own reading of the same policies: the next working day 09:00, no Saturday. */
function cleanDeadline(oft, method) {
  const d = new Date(oft);
  const weekday = (d.getUTCDay() + 6) % 7;
  const time = d.getUTCHours() + d.getUTCMinutes() / 60;
  if (method === 'semi_weekly') return lwaDeadline(oft, method);
  if (weekday >= 5) return at9(oft, 7 - weekday);
  if (time > 17) return at9(oft, weekday === 4 ? 3 : 1);
  if (time < 9) return at9(oft, 0);
  return oft;
}

/**
 * Total emissions (g per unit power per slot, LWA's metric) of the jobs under one policy.
 * `plan(points, spec, interruptible)` returns the chosen [start, end) chunks.
 */
function emissions(jobs, actual, { method, interruptible, lwaQuirks, plan }) {
  let total = 0;
  for (const job of jobs) {
    const durationMs = job.durationMin * MIN;
    const oft = job.startMs + durationMs;
    const deadline = method === null ? oft : lwaQuirks ? lwaDeadline(oft, method) : cleanDeadline(oft, method);
    // LWA's window is inclusive of its last slot: one extra half-hour, even without slack.
    const spec = { durationS: durationMs / 1000, earliestStartMs: job.startMs, deadlineMs: deadline + (lwaQuirks ? SLOT : 0) };
    for (const [a, b] of plan(spec, interruptible)) total += (meanIntensityOver(actual, a, b) * (b - a)) / SLOT;
  }
  return total;
}

const oraclePlan = (actual) => (spec, interruptible) =>
  (interruptible ? interruptiblePlan(actual, { ...spec, minChunkS: 0, maxPauses: 100_000 }) : bestWindow(actual, spec)).chunks.map((c) => [c.startMs, c.endMs]);

/** Decide on the 7-day same-hour baseline forecast issued at the earliest start; pay the actuals. */
const forecastPlan = (actual, stepS) => (spec, interruptible) => {
  const fc = baselineForecast(actual, { issuedAtMs: spec.earliestStartMs, fromMs: spec.earliestStartMs, toMs: spec.deadlineMs, stepS });
  return (interruptible ? interruptiblePlan(fc, { ...spec, minChunkS: 0, maxPauses: 100_000 }) : bestWindow(fc, spec)).chunks.map((c) => [c.startMs, c.endMs]);
};

const PAPER_S2 = {
  DE: { next_workday: [5.93, 8.16], semi_weekly: [14.13, 18.5] },
  GB: { next_workday: [6.57, 9.23], semi_weekly: [14.75, 20.0] },
  FR: { next_workday: [4.79, 6.22], semi_weekly: [11.15, 13.86] },
};

// --- run -------------------------------------------------------------------------------------------

console.log(`greenml scheduling benchmark · node ${process.version}\n`);

if (Object.keys(lwa).length > 0) {
  console.log("Scenario I (Let's Wait Awhile 2020): nightly 30-min job at 01:00 UTC, start anywhere in +-w, perfect foresight; % emissions saved");
  console.log(`${pad('region', 8)}${['+-1h', '+-2h', '+-4h', '+-6h', '+-8h'].map((h) => lpad(h, 16)).join('')}${lpad('clean +-8h', 18)}`);
  for (const [zone, { slots }] of Object.entries(lwa)) {
    const cells = [1, 2, 4, 6, 8].map((w) => lpad(`${pct(scenarioI(slots, w, false))} (${PAPER_S1[zone][w].toFixed(2)})`, 16));
    console.log(`${pad(zone, 8)}${cells.join('')}${lpad(`${pct(scenarioI(slots, 8, true))} (${PAPER_S1[zone].clean8.toFixed(2)})`, 18)}`);
  }
  console.log('  (in brackets: the paper\'s setup as re-implemented in shared/research/scheduling.md §2.2)\n');
}

const jobs2020 = lwaJobs(2020);
const canonical = '[' + jobs2020.map((j) => `[${(j.startMs - JAN1_2020) / MIN}, ${j.durationMin}]`).join(', ') + ']';
const fingerprint = createHash('sha256').update(canonical).digest('hex').slice(0, 16);
/** sha256 prefix of the same job list printed by numpy 2.4.6 (default_rng(0), the rules above), computed once by hand. */
const NUMPY_FINGERPRINT = '5fe9ad709fbc8c03';
console.log(
  `Scenario II jobs: ${jobs2020.length} jobs, mean duration ${(jobs2020.reduce((s, j) => s + j.durationMin, 0) / jobs2020.length / 60).toFixed(1)} h, ` +
    `fingerprint ${fingerprint} (${fingerprint === NUMPY_FINGERPRINT ? 'identical to numpy PCG64' : `DIFFERS from numpy ${NUMPY_FINGERPRINT}`})`,
);

if (Object.keys(lwa).length > 0) {
  console.log("Scenario II (Let's Wait Awhile 2020): ML jobs, perfect foresight, LWA's rules and quirks; % saved vs running at once");
  console.log(`${pad('region', 8)}${lpad('next_workday non-int / int', 30)}${lpad('paper', 16)}${lpad('semi_weekly non-int / int', 30)}${lpad('paper', 16)}`);
  for (const [zone, { slots }] of Object.entries(lwa)) {
    const plan = oraclePlan(slots);
    const base = emissions(jobs2020, slots, { method: null, interruptible: false, lwaQuirks: true, plan });
    const cell = (method) => [false, true].map((i) => pct(1 - emissions(jobs2020, slots, { method, interruptible: i, lwaQuirks: true, plan }) / base)).join(' / ');
    const paper = (method) => PAPER_S2[zone][method].map((x) => x.toFixed(2)).join(' / ');
    console.log(`${pad(zone, 8)}${lpad(cell('next_workday'), 30)}${lpad(paper('next_workday'), 16)}${lpad(cell('semi_weekly'), 30)}${lpad(paper('semi_weekly'), 16)}`);
  }
  console.log('');
}

// --- perfect foresight vs the baseline forecast ----------------------------------------------------

/** Jobs whose window and 7 days of history before it lie inside the data. */
const coveredJobs = (jobs, points, method) => {
  const first = points[0].t + 7 * DAY;
  const last = points[points.length - 1].t + points[points.length - 1].durationS * 1000;
  return jobs.filter((j) => j.startMs >= first && cleanDeadline(j.startMs + j.durationMin * MIN, method) <= last);
};

function sideBySide(zone, actual, stepS, year) {
  const oracle = oraclePlan(actual);
  const forecast = forecastPlan(actual, stepS);
  const out = [];
  // Scenario I, greenml semantics (half-open window), days with a week of history.
  for (const w of [4, 8]) {
    let base = 0;
    let o = 0;
    let f = 0;
    const last = actual[actual.length - 1].t;
    for (let t0 = Date.UTC(year, 0, 8, 1); t0 + w * HOUR + SLOT <= last; t0 += DAY) {
      const spec = { durationS: 1800, earliestStartMs: t0 - w * HOUR, deadlineMs: t0 + w * HOUR + SLOT, nominalStartMs: t0 };
      base += meanIntensityOver(actual, t0, t0 + SLOT);
      o += meanIntensityOver(actual, ...oracle(spec, false)[0]);
      f += meanIntensityOver(actual, ...forecast(spec, false)[0]);
    }
    out.push([1 - o / base, 1 - f / base]);
  }
  const jobs = lwaJobs(year);
  for (const method of ['next_workday', 'semi_weekly']) {
    const set = coveredJobs(jobs, actual, method);
    const base = emissions(set, actual, { method: null, interruptible: false, lwaQuirks: false, plan: oracle });
    for (const interruptible of [false, true]) {
      const o = emissions(set, actual, { method, interruptible, lwaQuirks: false, plan: oracle });
      const f = emissions(set, actual, { method, interruptible, lwaQuirks: false, plan: forecast });
      out.push([1 - o / base, 1 - f / base]);
    }
  }
  const cells = out.map(([o, f]) => lpad(`${pct(o)} | ${pct(f)} (${Math.round((100 * f) / o)}%)`, 24));
  console.log(`${pad(zone, 13)}${cells.join('')}`);
}

const sets = [
  ...Object.entries(lwa).map(([zone, { raw }]) => [`${zone} 2020`, halfHourly(raw), 1800, 2020]),
  ...Object.entries(em).map(([zone, points]) => [`${zone} 2023`, points, 3600, 2023]),
];
if (sets.length > 0) {
  console.log('Perfect foresight | 7-day same-hour baseline forecast (share of the oracle saving kept), % saved; greenml semantics (half-open windows, next working day 09:00)');
  console.log(`${pad('region', 13)}${['S-I +-4h', 'S-I +-8h', 'S-II next_wd', 'S-II next_wd int', 'S-II semi_wk', 'S-II semi_wk int'].map((h) => lpad(h, 24)).join('')}`);
  for (const [zone, points, stepS, year] of sets) sideBySide(zone, points, stepS, year);
  console.log('  (S-I: nightly 30-min job at 01:00 UTC; S-II: the LWA ML jobs regenerated for the year; decisions made at the earliest start)\n');

  // Cross-check with the research's Table A (every submission hour, 4 h job, +-W, its oracle and 7-day-mean figures).
  const TABLE_A = {
    DE: [10.4, 7.8, 17.1, 12.6], GB: [12.3, null, 19.6, 13.9], FR: [7.0, null, 11.3, 6.2],
    'US-CAL-CISO': [18.2, null, 31.3, 30.4], ES: [19.0, null, 31.1, 29.1], NO: [25.4, null, 33.6, null], BR: [8.2, null, 12.2, null],
  };
  console.log('Every submission hour of the year, 4 h job, start in [t0 - W, t0 + W]: perfect foresight | 7-day baseline forecast, % saved');
  console.log(`${pad('region', 13)}${lpad('W = 4 h', 26)}${lpad('research', 14)}${lpad('W = 8 h', 26)}${lpad('research', 14)}`);
  for (const [zone, points, , year] of sets) {
    const oracle = oraclePlan(points);
    const forecast = forecastPlan(points, points[0].durationS);
    const last = points[points.length - 1].t + points[points.length - 1].durationS * 1000;
    const cells = [4, 8].map((w) => {
      let base = 0;
      let o = 0;
      let f = 0;
      const from = Math.max(Date.UTC(year, 0, 1), Math.ceil((points[0].t + 7 * DAY + w * HOUR) / HOUR) * HOUR);
      const to = Math.min(Date.UTC(year + 1, 0, 1), last - (w + 4) * HOUR + 1);
      for (let t0 = from; t0 < to; t0 += HOUR) {
        const spec = { durationS: 4 * 3600, earliestStartMs: t0 - w * HOUR, deadlineMs: t0 + (w + 4) * HOUR, nominalStartMs: t0 };
        base += meanIntensityOver(points, t0, t0 + 4 * HOUR);
        o += meanIntensityOver(points, ...oracle(spec, false)[0]);
        f += meanIntensityOver(points, ...forecast(spec, false)[0]);
      }
      return [1 - o / base, 1 - f / base];
    });
    const ref = TABLE_A[zone.split(' ')[0]] ?? [];
    const r = (a, b) => `${a ?? '-'} | ${b ?? '-'}`;
    console.log(`${pad(zone, 13)}${lpad(`${pct(cells[0][0])} | ${pct(cells[0][1])}`, 26)}${lpad(r(ref[0], ref[1]), 14)}${lpad(`${pct(cells[1][0])} | ${pct(cells[1][1])}`, 26)}${lpad(r(ref[2], ref[3]), 14)}`);
  }
  console.log('  (research: shared/research/scheduling.md §5 Table A and the forecast-sensitivity table; "-" where it gives no figure)\n');

  console.log('Baseline forecast error: issued daily at 00:00 UTC for the next 24 h, compared with the actuals');
  console.log(`${pad('region', 13)}${lpad('MAE g/kWh', 12)}${lpad('RMSE', 10)}${lpad('bias', 10)}${lpad('MAPE %', 10)}${lpad('mean', 10)}${lpad('n', 8)}`);
  for (const [zone, points, stepS, year] of sets) {
    const fc = [];
    const last = points[points.length - 1].t;
    for (let t = Date.UTC(year, 0, 8); t + DAY <= last; t += DAY) fc.push(...baselineForecast(points, { issuedAtMs: t, fromMs: t, toMs: t + DAY, stepS }));
    const e = forecastError(fc, points);
    const mean = fc.length ? points.filter((p) => p.t >= fc[0].t).reduce((s, p) => s + p.intensityGPerKwh, 0) / points.filter((p) => p.t >= fc[0].t).length : NaN;
    console.log(`${pad(zone, 13)}${lpad(e.maeGPerKwh.toFixed(1), 12)}${lpad(e.rmseGPerKwh.toFixed(1), 10)}${lpad(e.biasGPerKwh.toFixed(1), 10)}${lpad(e.mapePercent?.toFixed(1) ?? '-', 10)}${lpad(mean.toFixed(1), 10)}${lpad(e.n, 8)}`);
  }
  console.log('');
}

// --- speed -----------------------------------------------------------------------------------------

function rate(label, make) {
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < 1000) {
    make(n++);
    elapsed = performance.now() - t0;
  }
  console.log(`${pad(label, 78)}${lpad(Math.round((n / elapsed) * 1000).toLocaleString('en-US'), 12)} plans/s`);
}

const year15 = lwa.DE ? lwa.DE.raw.filter((p) => p.t >= JAN1_2020).slice(0, 35_040) : null;
if (year15) {
  const first = year15[0].t;
  const end = year15[year15.length - 1].t + 900_000;
  console.log(`Search speed over a year of 15-minute data (${year15.length.toLocaleString('en-US')} points, DE 2020):`);
  rate('bestWindow, 4 h job, window = the whole year (every point scanned)', () => bestWindow(year15, { durationS: 4 * 3600, earliestStartMs: first, deadlineMs: end }));
  rate('bestWindow, 4 h job, 24 h window at a random time of the year', (i) => {
    // Days 0-339: the DE series misses two 15-minute values on 2020-12-19 (see docs/scheduling.md).
    const s = first + ((i * 7919) % 340) * DAY + ((i * 13) % 96) * 900_000;
    return bestWindow(year15, { durationS: 4 * 3600, earliestStartMs: s, deadlineMs: s + DAY });
  });
  rate('interruptiblePlan, 4 h job, chunks >= 1 h, <= 3 pauses, 24 h window', (i) => {
    const s = first + ((i * 7919) % 340) * DAY;
    return interruptiblePlan(year15, { durationS: 4 * 3600, earliestStartMs: s, deadlineMs: s + DAY, minChunkS: 3600, maxPauses: 3 });
  });
  rate('interruptiblePlan, 4 h job, chunks >= 1 h, <= 3 pauses, window = the whole year', () =>
    interruptiblePlan(year15, { durationS: 4 * 3600, earliestStartMs: first, deadlineMs: end, minChunkS: 3600, maxPauses: 3 }),
  );
  if (lwa.GB && lwa.FR) {
    const regions = ['DE', 'GB', 'FR'].map((z) => ({ region: z, points: lwa[z].slots }));
    rate('bestRegionWindow, DE/GB/FR half-hourly 2020, 4 h job, 24 h window', (i) => {
      const s = JAN1_2020 + ((i * 7919) % 340) * DAY;
      return bestRegionWindow(regions, { durationS: 4 * 3600, earliestStartMs: s, deadlineMs: s + DAY });
    });
  }
}
