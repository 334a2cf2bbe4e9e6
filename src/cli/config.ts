/**
 * greenml's settings, resolved in one place with one precedence: flags > environment > the project's
 * config file (greenml.config.json, found in the working directory or a parent) > defaults.
 * Everything is validated here, at the boundary, so the rest of the program gets typed values.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
// zod/mini: the same validation with a fraction of the code to load on every command's start.
import * as z from 'zod/mini';
import { GreenmlError, PRICINGS, parseDurationS, parsePricing } from '../core/index.js';

export const CONFIG_FILE = 'greenml.config.json';

const str = (...checks: z.core.$ZodCheck<string>[]) => z.string().check(...checks);
const num = (min: number, max?: number) => z.number().check(z.gte(min), ...(max === undefined ? [] : [z.lte(max)]));
const settingsSchema = z.partial(
  z.strictObject({
    project: str(z.minLength(1), z.maxLength(200)),
    region: str(z.regex(/^[a-z]+:[a-z0-9-]+$/i, 'use provider:region, e.g. gcp:europe-west4')),
    country: str(z.regex(/^[A-Za-z]{2}$/, 'use an ISO 3166-1 alpha-2 code, e.g. FR')),
    intensity: num(0, 2000),
    pue: num(1, 3),
    instance: str(z.minLength(1)),
    pricing: z.enum(PRICINGS),
    pricePerHour: num(0),
    electricityPricePerKwh: num(0),
    db: str(z.minLength(1)),
    server: z.url(),
    token: str(z.minLength(1)),
    interval: num(0.1, 60),
    flushEvery: num(0.1, 3600),
    attribution: z.enum(['busy-share', 'machine']),
    memoryWPerGb: num(0, 10),
    electricitymapsToken: str(z.minLength(1)),
    watttimeUsername: str(z.minLength(1)),
    watttimePassword: str(z.minLength(1)),
  }),
);

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;
export type SettingOrigin = 'flag' | 'env' | 'file' | 'default';

export interface ResolvedSettings {
  values: Settings;
  origin: Partial<Record<SettingKey, SettingOrigin>>;
  /** The config file that was read, if any. */
  file: string | null;
}

/** Environment variable for each key: GREENML_ + upper snake case. */
export const envName = (key: SettingKey): string => 'GREENML_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();

const NUMERIC = new Set<SettingKey>(['intensity', 'pue', 'pricePerHour', 'electricityPricePerKwh', 'interval', 'flushEvery', 'memoryWPerGb']);
const DURATIONS = new Set<SettingKey>(['interval', 'flushEvery']);
const KEYS = Object.keys(settingsSchema.shape) as SettingKey[];

function coerce(key: SettingKey, raw: unknown, where: string): unknown {
  if (typeof raw !== 'string') return raw;
  if (DURATIONS.has(key)) return parseDurationS(raw, `${key} (${where})`);
  if (key === 'pricing') return parsePricing(raw, where.startsWith('--') ? where : `pricing (${where})`);
  if (NUMERIC.has(key)) {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new GreenmlError('INVALID_INPUT', `Invalid ${key} "${raw}" in ${where}: expected a number.`);
    return n;
  }
  return raw;
}

const flagName = (key: string): string => '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

function validate(partial: Record<string, unknown>, where: string, label: (key: string) => string = (k) => k): Settings {
  const parsed = settingsSchema.safeParse(partial);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = label(issue?.path.join('.') || '(root)');
  const msg = issue?.code === 'unrecognized_keys' ? `unknown setting(s) ${issue.keys.join(', ')}; known settings are ${KEYS.join(', ')}` : `${key}: ${issue?.message}`;
  throw new GreenmlError('INVALID_INPUT', `Invalid configuration in ${where}: ${msg}.`, { details: { where, key } });
}

/** Finds greenml.config.json in `cwd` or the nearest parent directory. */
export function findConfigFile(cwd: string): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

export function loadConfigFile(path: string): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new GreenmlError('INVALID_INPUT', `Cannot read ${path}: ${(e as Error).message}. Fix the JSON or remove the file.`, { cause: e });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new GreenmlError('INVALID_INPUT', `${path} must hold a JSON object of settings.`);
  const coerced = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, KEYS.includes(k as SettingKey) ? coerce(k as SettingKey, v, path) : v]));
  return validate(coerced, path);
}

export function settingsFromEnv(env: Record<string, string | undefined>): Settings {
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    const v = env[envName(key)];
    if (v !== undefined && v !== '') out[key] = coerce(key, v, `environment variable ${envName(key)}`);
  }
  return validate(out, 'the environment', (k) => envName(k as SettingKey));
}

export function settingsFromFlags(flags: Partial<Record<SettingKey, unknown>>): Settings {
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    const v = flags[key];
    if (v !== undefined) out[key] = coerce(key, v, flagName(key));
  }
  return validate(out, 'the command line', flagName);
}

/** flags > env > file > defaults, each layer validated before merging. */
export function resolveSettings(opts: {
  flags: Partial<Record<SettingKey, unknown>>;
  env: Record<string, string | undefined>;
  cwd: string;
  defaults?: Settings;
}): ResolvedSettings {
  const file = findConfigFile(opts.cwd);
  const layers: [SettingOrigin, Settings][] = [
    ['default', opts.defaults ?? {}],
    ['file', file ? loadConfigFile(file) : {}],
    ['env', settingsFromEnv(opts.env)],
    ['flag', settingsFromFlags(opts.flags)],
  ];
  const values: Record<string, unknown> = {};
  const origin: Partial<Record<SettingKey, SettingOrigin>> = {};
  for (const [where, layer] of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      values[k] = v;
      origin[k as SettingKey] = where;
    }
  }
  return { values: values as Settings, origin, file };
}
