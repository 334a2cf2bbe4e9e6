/** The work of `greenml run`, loaded only when the command runs. */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { measureCommand, type MeasureResult } from '../../app/index.js';
import { GreenmlError, formatDurationS, parseGuardFlags, parseNumberIn, type IntensitySeries, type RunLocation } from '../../core/index.js';
import { resolveSettings } from '../config.js';
import { measureSettings } from '../measure-settings.js';
import { openCliStore, resolveDbLocation } from '../db.js';
import { colors, warn } from '../output.js';
import { renderFootprint } from '../render-footprint.js';
import type { Store } from '../../store/index.js';
import type { RunFlags } from './run.js';

function parseTags(tags: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) {
    const i = t.indexOf('=');
    if (i <= 0) throw new GreenmlError('INVALID_INPUT', `Invalid --tag "${t}": use key=value, e.g. --tag team=vision.`);
    out[t.slice(0, i)] = t.slice(i + 1);
  }
  return out;
}

function summaryJson(r: MeasureResult): Record<string, unknown> {
  return { run: r.run, exitCode: r.exitCode, equivalences: r.equivalences, prediction: r.prediction };
}

/**
 * Budgets are evaluated at the end of every run (greenml budget check does the same on demand).
 * Webhooks get a short retry budget here so a dead receiver delays the exit by seconds, not a
 * minute; a failure never changes the run's exit code.
 */
async function checkBudgets(store: Store, runId: string): Promise<void> {
  try {
    if ((await store.listBudgets()).length === 0) return;
    const { evaluateBudgets } = await import('../../app/index.js');
    const { sent } = await evaluateBudgets({
      store,
      nowMs: Date.now(),
      fetch: globalThis.fetch,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      runIds: [runId],
      delivery: { maxAttempts: 3, timeoutMs: 5000 },
    });
    for (const a of sent) {
      if (a.event === 'alarm') warn(`budget "${a.budgetName}" crossed ${a.notification.type} ${a.thresholdAmount} ${a.limit.unit} (${a.deliveryState})`);
    }
  } catch (e) {
    warn(`budgets were not checked: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * A grid-intensity series for the run's zone from the store (imported with greenml intensity
 * import, or cached by greenml intensity show): then the run's emissions are time-resolved.
 * Zones tried: the region's Electricity Maps zone, the country, the region id. Only a series that
 * overlaps the run counts; actual values are preferred to forecasts.
 */
async function storedSeries(store: Store, where: RunLocation, fromMs: number, toMs: number): Promise<IntensitySeries | null> {
  const zones: string[] = [];
  if (where.region) {
    const { findRegion } = await import('../../catalog/index.js');
    const r = findRegion(where.region);
    if (r.electricityMapsZone) zones.push(r.electricityMapsZone);
    zones.push(r.country, r.id);
  } else if (where.country) zones.push(where.country);
  for (const zone of zones) {
    for (const kind of ['actual', 'forecast'] as const) {
      const s = await store.getIntensity(zone, { fromMs: fromMs - 3_600_000, toMs, kind });
      if (s && s.points.some((p) => p.t < toMs && p.t + p.durationS * 1000 > fromMs)) return s;
    }
  }
  return null;
}

export async function runAction(command: string[], flags: RunFlags): Promise<number> {
  // Every check on greenml's own input happens before the command starts (exit 2, nothing run).
  const { values: s } = resolveSettings({
    flags: {
      project: flags.project,
      region: flags.region,
      country: flags.country,
      intensity: flags.intensity,
      pue: flags.pue,
      instance: flags.instance,
      pricing: flags.pricing,
      pricePerHour: flags.pricePerHour,
      electricityPricePerKwh: flags.electricityPrice,
      interval: flags.interval,
      flushEvery: flags.flushEvery,
      attribution: flags.attribution,
      memoryWPerGb: flags.memoryWPerGb,
      db: flags.db,
      server: flags.server,
    },
    env: process.env,
    cwd: process.cwd(),
  });
  const guard = parseGuardFlags({ maxCo2e: flags.maxCo2e, maxCost: flags.maxCost, maxKwh: flags.maxKwh, onExceed: flags.onExceed, warmup: flags.warmup });
  if (guard === null && (flags.onExceed !== undefined || flags.warmup !== undefined)) {
    throw new GreenmlError('INVALID_INPUT', '--on-exceed and --warmup need a limit: --max-co2e, --max-cost or --max-kwh.');
  }
  const tags = parseTags(flags.tag);
  const stderrProgress = flags.stderrProgress ?? 'auto';
  if (!['auto', 'always', 'never'].includes(stderrProgress)) {
    throw new GreenmlError('INVALID_INPUT', `Invalid --stderr-progress "${stderrProgress}": use auto, always or never.`);
  }
  // Observing stderr means piping it, and a piped child no longer sees a terminal: only do that
  // by default when greenml's stderr is not a terminal either (the child sees no difference).
  const progressFromStderr = stderrProgress === 'always' || (stderrProgress === 'auto' && !process.stderr.isTTY);
  if (s.interval !== undefined) parseNumberIn(String(s.interval), '--interval', 0.1, 60);
  const meter = await import('../../meter/index.js');
  const measured = measureSettings(s, meter.DEFAULT_FLUSH_EVERY_S);

  const store = s.server
    ? await (await import('../../store/index.js')).openRecordingStore({
        server: s.server,
        token: s.token ?? null,
        localDb: await resolveDbLocation({ db: s.db }),
        onSpool: () => warn(`the server ${s.server} cannot take the run: it is kept locally, and greenml sync sends it later`),
      })
    : await openCliStore({ db: s.db });
  const c = colors();
  try {
    const result = await measureCommand(
      {
        command,
        cwd: process.cwd(),
        project: s.project ?? 'default',
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        tags,
        ...(s.region !== undefined ? { region: s.region } : {}),
        ...(s.country !== undefined ? { country: s.country } : {}),
        ...measured,
        guard,
        progressFromStderr,
        host: hostname(),
        pid: process.pid,
        env: process.env,
      },
      {
        store,
        meter,
        now: Date.now,
        intensitySeries: (loc, fromMs, toMs) => storedSeries(store, loc.location, fromMs, toMs),
        newRunId: () => randomBytes(6).toString('hex'),
        events: {
          onWarning: (m) => warn(m),
          onGuard: (d) => {
            for (const t of d.triggers) process.stderr.write(`${c.yellow(d.action === 'stop' ? 'greenml: guard: stopping the run:' : 'greenml: guard:')} ${t.message}\n`);
          },
        },
      },
    );
    await checkBudgets(store, result.run.id);
    const json = summaryJson(result);
    if (flags.output) writeFileSync(flags.output, JSON.stringify(json, null, 2) + '\n');
    if (!flags.quiet) {
      if (flags.json && !flags.output) process.stderr.write(JSON.stringify(json, null, 2) + '\n');
      else if (result.run.footprint) {
        const r = result.run;
        const footprint = result.run.footprint;
        const how = r.status === 'succeeded' ? c.green(r.status) : c.red(r.status);
        process.stderr.write(
          `\n${c.bold('greenml')} run ${r.id} ${how} (exit ${result.exitCode}) in ${formatDurationS(r.durationS)}: ${basename(r.command[0] ?? '')} ${c.dim(`[${r.location?.label ?? ''}]`)}\n`,
        );
        process.stderr.write(renderFootprint(footprint, { equivalences: result.equivalences }) + '\n');
      }
    }
    return result.exitCode;
  } finally {
    await store.close();
  }
}
