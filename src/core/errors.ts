/**
 * The one error type of greenml. `code` says what kind of failure it is; the CLI maps codes to
 * exit codes (src/cli/exit-codes.ts) and the server to HTTP statuses (src/server/errors.ts), each
 * in one place. Messages say what was wrong and what to do.
 */
export const ERROR_CODES = [
  'INVALID_INPUT', // a flag, config key, payload field or file line is malformed
  'UNKNOWN_ID', // an id that names no catalog entry (region, hardware, instance, zone)
  'NOT_FOUND', // a stored record (run, job, project, budget, token) does not exist
  'INFEASIBLE', // well-formed input that no option can satisfy (deadline too early, constraints)
  'CONFLICT', // the record exists already or is in a state that forbids the change
  'UNAUTHENTICATED', // missing or unknown API token
  'FORBIDDEN', // token scope or project does not allow this
  'PAYLOAD_TOO_LARGE',
  'STORE_UNAVAILABLE', // the database cannot be opened or reached
  'UPSTREAM_FAILED', // a remote provider or server failed or is unreachable
  'METER_UNAVAILABLE', // a sampler cannot measure on this machine
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface GreenmlErrorOptions {
  cause?: unknown;
  /** Extra structured detail for JSON output (field name, line numbers, suggestions...). */
  details?: Record<string, unknown>;
}

export class GreenmlError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: GreenmlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GreenmlError';
    this.code = code;
    this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isGreenmlError(e: unknown): e is GreenmlError {
  return e instanceof GreenmlError;
}
