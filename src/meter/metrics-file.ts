/**
 * The metrics file: a JSON-lines file greenml creates for each run and names in
 * GREENML_METRICS_FILE. The workload appends one object per line, without any greenml library
 * (examples/python/greenml_metrics.py is ten lines); greenml tails the file on each sampling tick.
 *
 *   {"key":"loss","value":0.31,"step":120}     a metric (step and t, epoch ms, optional)
 *   {"param":"lr","value":0.001}                a parameter (string, number or boolean)
 *   {"progress":0.25} / {"epoch":3,"epochs":40} progress, passed through as parsed
 *
 * A bad line is counted (with the first few line numbers and reasons) and skipped; it never stops
 * the run.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricPoint } from '../core/index.js';

export const METRICS_FILE_ENV = 'GREENML_METRICS_FILE';
export const RUN_ID_ENV = 'GREENML_RUN_ID';
/** A line longer than this is not a metric (64 KiB); it is counted invalid and skipped. */
export const MAX_LINE_BYTES = 64 * 1024;
const MAX_KEY_CHARS = 250;
const INVALID_EXAMPLES = 5;

export type ParamValue = string | number | boolean;
/** A progress line as the workload wrote it, stamped with the time greenml read it (epoch ms). */
export type ProgressEvent = Record<string, unknown> & { t: number };

export type ParsedLine =
  | { kind: 'metric'; point: MetricPoint }
  | { kind: 'param'; key: string; value: ParamValue }
  | { kind: 'progress'; event: ProgressEvent }
  | { kind: 'blank' }
  | { kind: 'invalid'; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** One line of the metrics file; `t` is the time greenml read it. */
export function parseMetricsLine(text: string, t: number): ParsedLine {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'blank' };
  let obj: unknown;
  try {
    obj = JSON.parse(trimmed);
  } catch (e) {
    return { kind: 'invalid', reason: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (!isObject(obj)) return { kind: 'invalid', reason: 'not a JSON object' };
  if ('key' in obj) {
    const { key, value, step } = obj;
    if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_CHARS) return { kind: 'invalid', reason: `"key" must be a non-empty string of at most ${MAX_KEY_CHARS} characters` };
    if (!isNum(value)) return { kind: 'invalid', reason: `metric "${key}": "value" must be a number` };
    if (step !== undefined && step !== null && !(Number.isInteger(step) && (step as number) >= 0)) return { kind: 'invalid', reason: `metric "${key}": "step" must be a whole number >= 0` };
    let at = t;
    if (obj['t'] !== undefined) {
      if (!isNum(obj['t']) || obj['t'] <= 0) return { kind: 'invalid', reason: `metric "${key}": "t" must be epoch milliseconds` };
      at = obj['t'];
    }
    return { kind: 'metric', point: { key, value, step: (step as number | null | undefined) ?? null, t: at } };
  }
  if ('param' in obj) {
    const { param, value } = obj;
    if (typeof param !== 'string' || param === '' || param.length > MAX_KEY_CHARS) return { kind: 'invalid', reason: `"param" must be a non-empty string of at most ${MAX_KEY_CHARS} characters` };
    if (!(typeof value === 'string' || typeof value === 'boolean' || isNum(value))) return { kind: 'invalid', reason: `param "${param}": "value" must be a string, number or boolean` };
    return { kind: 'param', key: param, value };
  }
  if ('progress' in obj || 'epoch' in obj) {
    if ('progress' in obj && !(isNum(obj['progress']) && obj['progress'] >= 0 && obj['progress'] <= 1)) return { kind: 'invalid', reason: '"progress" must be a fraction between 0 and 1' };
    if ('epoch' in obj && !isNum(obj['epoch'])) return { kind: 'invalid', reason: '"epoch" must be a number' };
    if ('epochs' in obj && !(isNum(obj['epochs']) && obj['epochs'] > 0)) return { kind: 'invalid', reason: '"epochs" must be a number above 0' };
    return { kind: 'progress', event: { ...obj, t } };
  }
  return { kind: 'invalid', reason: 'no "key", "param", "progress" or "epoch" field' };
}

export interface MetricsBatch {
  metrics: MetricPoint[];
  /** Parameters in the order logged; a later value for the same name wins. */
  params: Record<string, ParamValue>;
  progress: ProgressEvent[];
}

export interface InvalidLines {
  count: number;
  /** The first few, with 1-based line numbers. */
  first: { line: number; reason: string }[];
}

export const emptyBatch = (): MetricsBatch => ({ metrics: [], params: {}, progress: [] });

/** Creates an empty metrics file for a run (mode 0600) and returns its path. */
export function createMetricsFile(runId: string, dir: string = tmpdir()): string {
  if (!/^[\w.-]{1,128}$/.test(runId)) throw new Error(`run id "${runId}" cannot be used in a file name`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `greenml-metrics-${runId}.jsonl`);
  writeFileSync(path, '', { mode: 0o600, flag: 'w' });
  return path;
}

/**
 * Follows a metrics file from its start. poll() reads what was appended since the last call and
 * keeps an unfinished last line for later; drain() also takes a last line without a newline (the
 * workload has exited, nothing more will come).
 */
export class MetricsFileTail {
  private fd: number | null;
  private offset = 0;
  private rest: Buffer = Buffer.alloc(0);
  private lineNo = 0;
  private skipping = false;
  private readonly bad: InvalidLines = { count: 0, first: [] };
  private readonly chunk = Buffer.allocUnsafe(256 * 1024);

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {
    this.fd = openSync(path, 'r');
  }

  poll(): MetricsBatch {
    return this.read(false);
  }

  drain(): MetricsBatch {
    return this.read(true);
  }

  invalid(): InvalidLines {
    return { count: this.bad.count, first: [...this.bad.first] };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private read(final: boolean): MetricsBatch {
    const batch = emptyBatch();
    if (this.fd === null) return batch;
    const size = fstatSync(this.fd).size;
    if (size < this.offset) {
      // Truncated by the workload: start over from the top.
      this.offset = 0;
      this.rest = Buffer.alloc(0);
    }
    const t = this.now();
    const parts: Buffer[] = [this.rest];
    // Bounded per poll so a huge burst cannot stall a tick; the rest comes on the next ones.
    for (let budget = 4; budget > 0 && this.offset < size; budget--) {
      const n = readSync(this.fd, this.chunk, 0, Math.min(this.chunk.length, size - this.offset), this.offset);
      if (n <= 0) break;
      this.offset += n;
      parts.push(Buffer.from(this.chunk.subarray(0, n)));
    }
    if (final) while (this.offset < size) {
      const n = readSync(this.fd, this.chunk, 0, Math.min(this.chunk.length, size - this.offset), this.offset);
      if (n <= 0) break;
      this.offset += n;
      parts.push(Buffer.from(this.chunk.subarray(0, n)));
    }
    const data = parts.length === 1 ? this.rest : Buffer.concat(parts);
    let start = 0;
    for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
      this.take(data.subarray(start, nl), t, batch);
      start = nl + 1;
    }
    this.rest = Buffer.from(data.subarray(start));
    if (this.rest.length > MAX_LINE_BYTES) {
      // Count the overlong line once and drop bytes until its newline.
      if (!this.skipping) this.invalidLine(++this.lineNo, `line longer than ${MAX_LINE_BYTES} bytes`);
      this.skipping = true;
      this.rest = Buffer.alloc(0);
    }
    if (final && this.rest.length > 0) {
      this.take(this.rest, t, batch);
      this.rest = Buffer.alloc(0);
    }
    return batch;
  }

  private take(line: Buffer, t: number, batch: MetricsBatch): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    this.lineNo++;
    if (line.length > MAX_LINE_BYTES) {
      this.invalidLine(this.lineNo, `line longer than ${MAX_LINE_BYTES} bytes`);
      return;
    }
    const parsed = parseMetricsLine(line.toString('utf8'), t);
    if (parsed.kind === 'metric') batch.metrics.push(parsed.point);
    else if (parsed.kind === 'param') batch.params[parsed.key] = parsed.value;
    else if (parsed.kind === 'progress') batch.progress.push(parsed.event);
    else if (parsed.kind === 'invalid') this.invalidLine(this.lineNo, parsed.reason);
  }

  private invalidLine(line: number, reason: string): void {
    this.bad.count++;
    if (this.bad.first.length < INVALID_EXAMPLES) this.bad.first.push({ line, reason });
  }
}
