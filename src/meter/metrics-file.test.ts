import { appendFileSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, MetricsFileTail, createMetricsFile, parseMetricsLine } from './metrics-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'greenml-metrics-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseMetricsLine', () => {
  it('reads metrics, params and progress', () => {
    expect(parseMetricsLine('{"key":"loss","value":0.31,"step":120}', 5)).toEqual({ kind: 'metric', point: { key: 'loss', value: 0.31, step: 120, t: 5 } });
    expect(parseMetricsLine('{"key":"acc","value":0.9}', 5)).toEqual({ kind: 'metric', point: { key: 'acc', value: 0.9, step: null, t: 5 } });
    expect(parseMetricsLine('{"key":"acc","value":0.9,"t":1700000000000}', 5)).toMatchObject({ point: { t: 1700000000000 } });
    expect(parseMetricsLine('{"param":"lr","value":0.001}', 5)).toEqual({ kind: 'param', key: 'lr', value: 0.001 });
    expect(parseMetricsLine('{"param":"optimizer","value":"adam"}', 5)).toEqual({ kind: 'param', key: 'optimizer', value: 'adam' });
    expect(parseMetricsLine('{"progress":0.25}', 5)).toEqual({ kind: 'progress', event: { progress: 0.25, t: 5 } });
    expect(parseMetricsLine('{"epoch":3,"epochs":40,"eta_s":12}', 5)).toEqual({ kind: 'progress', event: { epoch: 3, epochs: 40, eta_s: 12, t: 5 } });
    expect(parseMetricsLine('   ', 5)).toEqual({ kind: 'blank' });
  });

  it('says why a line is invalid', () => {
    const reason = (line: string): string => {
      const r = parseMetricsLine(line, 0);
      return r.kind === 'invalid' ? r.reason : `valid ${r.kind}`;
    };
    expect(reason('{"key":"loss","value":NaN}')).toMatch(/not JSON/);
    expect(reason('[1,2]')).toBe('not a JSON object');
    expect(reason('{"key":"","value":1}')).toMatch(/"key" must be a non-empty string/);
    expect(reason('{"key":"loss","value":"0.3"}')).toMatch(/"value" must be a number/);
    expect(reason('{"key":"loss","value":1,"step":-1}')).toMatch(/"step" must be a whole number/);
    expect(reason('{"key":"loss","value":1,"step":1.5}')).toMatch(/"step" must be a whole number/);
    expect(reason('{"param":"lr","value":null}')).toMatch(/string, number or boolean/);
    expect(reason('{"progress":25}')).toMatch(/fraction between 0 and 1/);
    expect(reason('{"epoch":1,"epochs":0}')).toMatch(/"epochs" must be a number above 0/);
    expect(reason('{"hello":1}')).toMatch(/no "key", "param", "progress" or "epoch" field/);
  });
});

describe('MetricsFileTail', () => {
  it('creates a private empty file named after the run', () => {
    const path = createMetricsFile('run-1', tmp);
    expect(path).toBe(join(tmp, 'greenml-metrics-run-1.jsonl'));
    expect(statSync(path).size).toBe(0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(() => createMetricsFile('../escape', tmp)).toThrow(/cannot be used in a file name/);
  });

  it('follows appends, keeps a partial last line until it is finished, and counts bad lines', () => {
    const path = createMetricsFile('run-2', tmp);
    let t = 100;
    const tail = new MetricsFileTail(path, () => t);
    expect(tail.poll()).toEqual({ metrics: [], params: {}, progress: [] });
    appendFileSync(path, '{"key":"loss","value":1,"step":1}\n{"param":"lr","va');
    const a = tail.poll();
    expect(a.metrics).toEqual([{ key: 'loss', value: 1, step: 1, t: 100 }]);
    expect(a.params).toEqual({});
    t = 200;
    appendFileSync(path, 'lue":0.1}\nnope\n\n{"progress":1}\n{"key":"loss","value":0.5}');
    const b = tail.poll();
    expect(b.params).toEqual({ lr: 0.1 });
    expect(b.progress).toEqual([{ progress: 1, t: 200 }]);
    expect(b.metrics).toEqual([]);
    // The workload exited without a final newline: drain takes the last line.
    const c = tail.drain();
    expect(c.metrics).toEqual([{ key: 'loss', value: 0.5, step: null, t: 200 }]);
    expect(tail.invalid()).toEqual({ count: 1, first: [{ line: 3, reason: expect.stringMatching(/not JSON/) }] });
    tail.close();
  });

  it('splits multi-byte UTF-8 across reads correctly', () => {
    const path = createMetricsFile('run-3', tmp);
    const tail = new MetricsFileTail(path);
    const line = Buffer.from('{"key":"perte \u00e9t\u00e9 \u{1F525}","value":2}\n', 'utf8');
    appendFileSync(path, line.subarray(0, 20));
    expect(tail.poll().metrics).toEqual([]);
    appendFileSync(path, line.subarray(20));
    expect(tail.poll().metrics.map((m) => m.key)).toEqual(['perte \u00e9t\u00e9 \u{1F525}']);
  });

  it('skips an overlong line, counts it once, and reads on', () => {
    const path = createMetricsFile('run-4', tmp);
    const tail = new MetricsFileTail(path);
    appendFileSync(path, 'x'.repeat(MAX_LINE_BYTES + 10));
    tail.poll();
    appendFileSync(path, 'y'.repeat(100) + '\n{"key":"ok","value":1}\n');
    expect(tail.poll().metrics.map((m) => m.key)).toEqual(['ok']);
    expect(tail.invalid()).toEqual({ count: 1, first: [{ line: 1, reason: `line longer than ${MAX_LINE_BYTES} bytes` }] });
  });

  it('keeps only the first five invalid lines as examples but counts all', () => {
    const path = createMetricsFile('run-5', tmp);
    const tail = new MetricsFileTail(path);
    appendFileSync(path, Array.from({ length: 8 }, () => 'bad').join('\n') + '\n');
    tail.poll();
    const inv = tail.invalid();
    expect(inv.count).toBe(8);
    expect(inv.first.map((f) => f.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('starts over when the workload truncates the file', () => {
    const path = createMetricsFile('run-6', tmp);
    const tail = new MetricsFileTail(path);
    appendFileSync(path, '{"key":"a","value":1}\n{"key":"b","value":2}\n');
    expect(tail.poll().metrics.length).toBe(2);
    truncateSync(path, 0);
    appendFileSync(path, '{"key":"c","value":3}\n');
    expect(tail.poll().metrics.map((m) => m.key)).toEqual(['c']);
  });
});
