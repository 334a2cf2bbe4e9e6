/**
 * CPU model string (as /proc/cpuinfo, sysctl or lscpu print it) -> TDP from the bundled table
 * (CodeCarbon cpu_power.csv, Green Algorithms core counts). Deterministic and fast: only the rows
 * that contain one of the input's model numbers are normalised and compared.
 *
 * Matching: exact on the normalised name; else fuzzy on tokens, where model numbers ("6248",
 * "i7-8700k", "7r13", "v4") weigh three times as much as words and a model number must match
 * (exactly, or up to a letter suffix: "8259cl" ~ "8259l"); else the generic fallback, 4 W per
 * logical CPU (CodeCarbon). A string with no model number ("Intel(R) Xeon(R) Processor", as many
 * hypervisors report) is always generic: guessing a model would invent precision.
 */
import { CPU_MODELS } from './data.js';
import { factorById } from './factors.js';
import { sourceById } from './sources.js';
import type { CpuMatch } from './types.js';

/** Minimum token similarity for a fuzzy match (0-1). */
const FUZZY_MIN_SCORE = 0.55;
const MODEL_TOKEN_WEIGHT = 3;
/** A model number that matches only up to its letter suffix counts this fraction of a full match. */
const SUFFIX_MATCH_CREDIT = 0.5;

export function normalizeCpuName(s: string): string {
  return s
    .toLowerCase()
    .replace(/\((r|tm|c)\)|®|™/g, ' ')
    .replace(/@.*$/, ' ')
    .replace(/\b\d+(\.\d+)?\s*ghz\b/g, ' ')
    .replace(/\b\d+(st|nd|rd|th)\s+gen(eration)?\b/g, ' ')
    .replace(/\b\d+-core\b/g, ' ')
    .replace(/\b(cpu|processor|with radeon graphics|radeon graphics)\b/g, ' ')
    .replace(/[,()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const isModelToken = (t: string): boolean => /\d/.test(t);
/** "8259cl" -> "8259", "i7-8700k" -> "i7-8700"; tokens ending in a digit are their own base. */
const baseOf = (t: string): string => t.replace(/[a-z]+$/, '');
const weight = (t: string): number => (isModelToken(t) ? MODEL_TOKEN_WEIGHT : 1);

interface Entry {
  name: string;
  tdpW: number;
  cores: number | null;
  sourceIndex: number;
  /** Normalised name and tokens, computed on first comparison (most rows are never compared). */
  norm?: string;
  tokens?: string[];
  weight?: number;
}

let lowerNames: string[] | undefined;
const entries: Array<Entry | undefined> = [];

function entryAt(i: number): Entry {
  let e = entries[i];
  if (!e) {
    const [name, tdpW, cores, sourceIndex] = CPU_MODELS.rows[i] as (typeof CPU_MODELS.rows)[number];
    e = { name, tdpW, cores, sourceIndex };
    entries[i] = e;
  }
  return e;
}

/**
 * Rows whose lower-cased name contains one of `needles` (or, with no needle, has no digit at all).
 * A substring scan over 4,900 short names takes well under a millisecond, which beats building an
 * index at start-up for `greenml run`, which matches one CPU once.
 */
function candidates(needles: string[]): Entry[] {
  lowerNames ??= CPU_MODELS.rows.map((r) => r[0].toLowerCase());
  const out: Entry[] = [];
  lowerNames.forEach((name, i) => {
    const hit = needles.length > 0 ? needles.some((n) => name.includes(n)) : !/\d/.test(name);
    if (hit) out.push(entryAt(i));
  });
  return out;
}

function prepared(e: Entry): Required<Entry> {
  if (e.norm === undefined) {
    e.norm = normalizeCpuName(e.name);
    e.tokens = e.norm.split(' ').filter(Boolean);
    e.weight = e.tokens.reduce((sum, t) => sum + weight(t), 0);
  }
  return e as Required<Entry>;
}

function score(input: string[], inputWeight: number, raw: Entry): { score: number; modelMatched: boolean } {
  const entry = prepared(raw);
  let common = 0;
  let modelMatched = false;
  const remaining = [...entry.tokens];
  for (const t of input) {
    const i = remaining.indexOf(t);
    if (i >= 0) {
      common += weight(t);
      modelMatched ||= isModelToken(t);
      remaining.splice(i, 1);
      continue;
    }
    if (!isModelToken(t)) continue;
    const j = remaining.findIndex((c) => isModelToken(c) && baseOf(c) === baseOf(t));
    if (j >= 0) {
      common += MODEL_TOKEN_WEIGHT * SUFFIX_MATCH_CREDIT;
      modelMatched = true;
      remaining.splice(j, 1);
    }
  }
  return { score: (2 * common) / (inputWeight + entry.weight), modelMatched };
}

export interface CpuMatchOptions {
  /** Logical CPUs (threads) the machine or VM has; scales the generic fallback. */
  threads?: number;
}

/** The best catalog entry for a CPU model string, with how sure the match is. */
export function matchCpuModel(modelString: string, options: CpuMatchOptions = {}): CpuMatch {
  const norm = normalizeCpuName(modelString);
  const tokens = norm.split(' ').filter(Boolean);
  const models = tokens.filter(isModelToken);
  // Search by the selective model numbers (3+ characters once the suffix is dropped) when there are any.
  const bases = [...new Set(models.map(baseOf))];
  const selective = bases.filter((b) => b.length >= 3);
  const pool = candidates(selective.length > 0 ? selective : bases);
  // Ties go to the first row in table order (alphabetical), so the result is deterministic.
  const hit = pool.filter((e) => prepared(e).norm === norm).sort((a, b) => a.name.localeCompare(b.name))[0];
  if (hit) return fromEntry(hit, 'exact', 1, `Exact match for "${modelString.trim()}".`);

  if (models.length > 0) {
    const inputWeight = tokens.reduce((sum, t) => sum + weight(t), 0);
    let best: { entry: Entry; score: number } | undefined;
    for (const entry of pool) {
      const s = score(tokens, inputWeight, entry);
      if (!s.modelMatched || s.score < FUZZY_MIN_SCORE) continue;
      if (!best || s.score > best.score || (s.score === best.score && entry.name.localeCompare(best.entry.name) < 0)) best = { entry, score: s.score };
    }
    if (best) {
      const score3 = Math.round(best.score * 1000) / 1000;
      return fromEntry(best.entry, 'fuzzy', score3, `Closest catalog model to "${modelString.trim()}" (similarity ${score3}); check it is the same part.`);
    }
  }
  return generic(modelString, options.threads);
}

function fromEntry(e: Entry, confidence: 'exact' | 'fuzzy', score: number, note: string): CpuMatch {
  const sourceId = CPU_MODELS.sources[e.sourceIndex] ?? 'codecarbon-cpu-power';
  const m: CpuMatch = {
    name: e.name, tdpW: e.tdpW, confidence, score, source: sourceById(sourceId).source, sourceId,
    note: `${note} TDP is per CPU package.`,
  };
  if (e.cores !== null) m.cores = e.cores;
  return m;
}

function generic(modelString: string, threads: number | undefined): CpuMatch {
  const label = modelString.trim() ? `"${modelString.trim()}"` : 'an empty model string';
  if (threads !== undefined && Number.isInteger(threads) && threads > 0) {
    const perThread = factorById('cpu-generic-w-per-thread');
    return {
      name: 'generic CPU', tdpW: perThread.value * threads, threads, confidence: 'generic', source: perThread.source, sourceId: perThread.sourceId,
      note: `No catalog model matches ${label}; using ${perThread.value} W per logical CPU x ${threads} (CodeCarbon's fallback).`,
    };
  }
  const constant = factorById('cpu-generic-package-w');
  return {
    name: 'generic CPU', tdpW: constant.value, confidence: 'generic', source: constant.source, sourceId: constant.sourceId,
    note: `No catalog model matches ${label} and the thread count is unknown; using CodeCarbon's ${constant.value} W constant.`,
  };
}
