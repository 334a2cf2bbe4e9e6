/**
 * Guards for the numbers the energy, carbon and cost models take. Wrong units are the usual mistake
 * (a utilisation of 60 meant as 60 %, a PUE of 0.5), and a silently wrong footprint is worse than an
 * error, so each guard names the quantity, the accepted range and an example.
 */
import { GreenmlError } from '../errors.js';

export function requireFinite(value: number, what: string, hint = ''): number {
  if (!Number.isFinite(value)) {
    throw new GreenmlError('INVALID_INPUT', `${what} must be a finite number, got ${String(value)}.${hint ? ` ${hint}` : ''}`);
  }
  return value;
}

export function requireNonNegative(value: number, what: string, hint = ''): number {
  requireFinite(value, what, hint);
  if (value < 0) throw new GreenmlError('INVALID_INPUT', `${what} must be zero or more, got ${value}.${hint ? ` ${hint}` : ''}`);
  return value;
}

export function requirePositive(value: number, what: string, hint = ''): number {
  requireFinite(value, what, hint);
  if (value <= 0) throw new GreenmlError('INVALID_INPUT', `${what} must be greater than zero, got ${value}.${hint ? ` ${hint}` : ''}`);
  return value;
}

/** A fraction in [0, 1]; the message catches the common "60 meant as 60 %" mistake. */
export function requireFraction(value: number, what: string): number {
  requireFinite(value, what);
  if (value < 0 || value > 1) {
    const pct = value > 1 && value <= 100 ? ` If you meant ${value} %, pass ${value / 100}.` : '';
    throw new GreenmlError('INVALID_INPUT', `${what} must be a fraction between 0 and 1 (e.g. 0.6 for 60 %), got ${value}.${pct}`);
  }
  return value;
}

/** Clamps to [0, 1]; NaN becomes 0 so a missing reading never inflates a share. */
export function clampUnit(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.min(1, Math.max(0, x));
}
