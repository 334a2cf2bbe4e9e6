import type { ErrorCode } from '../core/index.js';

/**
 * greenml's own exit codes. `greenml run` exits with the child's code instead (127 not found,
 * 126 not executable, 128+N killed by signal N), so greenml's own failures stay below 126.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  unavailable: 4,
  auth: 5,
} as const;

const BY_CODE: Record<ErrorCode, number> = {
  INVALID_INPUT: EXIT.usage,
  UNKNOWN_ID: EXIT.usage,
  INFEASIBLE: EXIT.usage,
  STORE_UNAVAILABLE: EXIT.usage,
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.failure,
  UNAUTHENTICATED: EXIT.auth,
  FORBIDDEN: EXIT.auth,
  PAYLOAD_TOO_LARGE: EXIT.usage,
  UPSTREAM_FAILED: EXIT.unavailable,
  METER_UNAVAILABLE: EXIT.failure,
  INTERNAL: EXIT.failure,
};

export const exitCodeFor = (code: ErrorCode): number => BY_CODE[code];
