/**
 * Parsing of the human quantities users type on the command line and in config files
 * ("30m", "2h30m", "2kg", "500Wh", "$30"). Each parser rejects anything it cannot read with a
 * message that shows an accepted form, because a misread budget or deadline is worse than an error.
 */
import { GreenmlError } from './errors.js';
import { JOULES_PER_KWH } from './units.js';

const DURATION_UNITS_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, min: 60, h: 3600, d: 86_400, w: 604_800 };

/** "90", "90s", "30m", "1.5h", "1h30m", "2d" -> seconds. A bare number is seconds. */
export function parseDurationS(text: string, what = 'duration'): number {
  const s = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (DURATION_UNITS_S[m[2] as string] as number);
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== s.length || !Number.isFinite(total)) {
    throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${text}": use a number with a unit, e.g. 90s, 30m, 2h, 1h30m or 2d.`);
  }
  return total;
}

const MASS_UNITS_G: Record<string, number> = { mg: 0.001, g: 1, kg: 1000, t: 1e6 };

/** "2kg", "500g", "1.2t" -> grams. A unit is required: a bare number is ambiguous for mass. */
export function parseMassG(text: string, what = 'mass'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(mg|g|kg|t)(?:co2e?)?\s*$/i.exec(text);
  if (!m) throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${text}": give an amount with a unit, e.g. 500g, 2kg or 1.5t (CO2e).`);
  return Number(m[1]) * (MASS_UNITS_G[(m[2] as string).toLowerCase()] as number);
}

const ENERGY_UNITS_KWH: Record<string, number> = { wh: 0.001, kwh: 1, mwh: 1000, j: 1 / JOULES_PER_KWH, kj: 1e3 / JOULES_PER_KWH, mj: 1e6 / JOULES_PER_KWH };

/** "10kWh", "500Wh", "3.6MJ" -> kWh. A unit is required. */
export function parseEnergyKwh(text: string, what = 'energy'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(wh|kwh|mwh|j|kj|mj)\s*$/i.exec(text);
  if (!m) throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${text}": give an amount with a unit, e.g. 500Wh or 10kWh.`);
  return Number(m[1]) * (ENERGY_UNITS_KWH[(m[2] as string).toLowerCase()] as number);
}

/** "30", "$30", "30usd", "12.50 USD" -> dollars. */
export function parseUsd(text: string, what = 'amount'): number {
  const m = /^\s*\$?\s*(\d+(?:\.\d+)?)\s*(usd)?\s*$/i.exec(text);
  if (!m) throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${text}": give a non-negative amount in US dollars, e.g. 30 or $12.50.`);
  return Number(m[1]);
}

/** A finite number within [min, max], for flags such as --util or --pue. */
export function parseNumberIn(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${text}": expected a number between ${min} and ${max}.`);
  }
  return n;
}
