import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envName, resolveSettings } from './config.js';

function project(config: unknown): { root: string; sub: string } {
  const root = mkdtempSync(join(tmpdir(), 'greenml-config-'));
  writeFileSync(join(root, 'greenml.config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  const sub = join(root, 'a', 'b');
  mkdirSync(sub, { recursive: true });
  return { root, sub };
}

describe('settings precedence', () => {
  it('names environment variables after the keys', () => {
    expect(envName('pricePerHour')).toBe('GREENML_PRICE_PER_HOUR');
    expect(envName('region')).toBe('GREENML_REGION');
  });

  it('applies flags > env > file > defaults and records where each value came from', () => {
    const { sub, root } = project({ region: 'gcp:europe-west4', pue: 1.2, project: 'from-file', interval: '2s' });
    const r = resolveSettings({
      flags: { pue: '1.1' },
      env: { GREENML_PROJECT: 'from-env', GREENML_PUE: '1.3' },
      cwd: sub,
      defaults: { project: 'default', interval: 1 },
    });
    expect(r.values).toMatchObject({ region: 'gcp:europe-west4', pue: 1.1, project: 'from-env', interval: 2 });
    expect(r.origin).toMatchObject({ region: 'file', pue: 'flag', project: 'env', interval: 'file' });
    expect(r.file).toBe(join(root, 'greenml.config.json'));
  });

  it('rejects bad values with the place and the rule', () => {
    const { sub } = project({ pue: 0.5 });
    expect(() => resolveSettings({ flags: {}, env: {}, cwd: sub })).toThrow(/greenml\.config\.json: pue/);
    expect(() => resolveSettings({ flags: { region: 'europe' }, env: {}, cwd: '/' })).toThrow(/provider:region/);
    expect(() => resolveSettings({ flags: {}, env: { GREENML_INTENSITY: 'lots' }, cwd: '/' })).toThrow(/GREENML_INTENSITY/);
    expect(() => resolveSettings({ flags: { interval: 'fast' }, env: {}, cwd: '/' })).toThrow(/--interval/);
    expect(() => resolveSettings({ flags: {}, env: { GREENML_PRICING: 'cheap' }, cwd: '/' })).toThrow(/Invalid pricing \(environment variable GREENML_PRICING\) "cheap": use on-demand, spot, reserved-1y, reserved-3y/);
    expect(resolveSettings({ flags: { pricing: 'Reserved' }, env: {}, cwd: '/' }).values.pricing).toBe('reserved-1y');
  });

  it('rejects unknown keys and malformed JSON in the file', () => {
    expect(() => resolveSettings({ flags: {}, env: {}, cwd: project({ regoin: 'x' }).sub })).toThrow(/unknown setting\(s\) regoin/);
    expect(() => resolveSettings({ flags: {}, env: {}, cwd: project('{ nope').sub })).toThrow(/Cannot read/);
  });
});
