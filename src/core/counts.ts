/** Counts as people write them for model sizes and training data ("7B" parameters, "1.5T" tokens). */
import { GreenmlError } from './errors.js';

/** SI-style suffixes as ML papers use them: B (and G) for 10^9, T for 10^12; case-insensitive, so "m" is a million. */
const COUNT_SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, g: 1e9, t: 1e12 };

/** "7e9", "7B", "1.5T", "350M" -> a positive count; `what` names the input in the message. */
export function parseCount(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([kmbgt])?\s*$/i.exec(text);
  const n = m ? Number(m[1]) * (m[2] ? (COUNT_SUFFIX[m[2].toLowerCase()] as number) : 1) : NaN;
  if (!(n > 0) || !Number.isFinite(n)) throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${text}": give a positive number, e.g. 7e9, 7B, 350M or 1.5T.`);
  return n;
}
