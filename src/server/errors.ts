/**
 * The one place greenml error codes become HTTP statuses, and every failure becomes the same JSON
 * body: `{ "error": { "code", "message", "details"? } }`. zod issues, Hono's own HTTP exceptions
 * (malformed JSON, body limit, media type) and unexpected throws all end up here.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { GreenmlError, isGreenmlError, type ErrorCode } from '../core/index.js';

export const HTTP_STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNKNOWN_ID: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  INFEASIBLE: 422,
  UPSTREAM_FAILED: 502,
  STORE_UNAVAILABLE: 503,
  METER_UNAVAILABLE: 500,
  INTERNAL: 500,
};

export const statusFor = (code: ErrorCode): ContentfulStatusCode => HTTP_STATUS[code];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** A zod issue path as greenml writes field names elsewhere: `samples[3].cpuW`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

export interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
}

/** zod issues of one request part (query, path, body) as one INVALID_INPUT error naming the first field. */
export function invalidRequest(where: 'query' | 'param' | 'json' | string, issues: readonly IssueLike[]): GreenmlError {
  const part = where === 'json' ? 'body' : where === 'param' ? 'path' : where;
  const listed = issues.slice(0, 10).map((i) => ({ field: fieldPath(i.path) || '(root)', message: i.message }));
  const first = listed[0] ?? { field: '(root)', message: 'invalid' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return new GreenmlError('INVALID_INPUT', `Invalid ${part}: ${first.field}: ${first.message}${more}. Nothing was stored.`, {
    details: { field: first.field, in: part, issues: listed },
  });
}

/** Hono's own exceptions, in greenml's terms. */
function fromHttpException(e: HTTPException): GreenmlError {
  if (e.status === 413) return new GreenmlError('PAYLOAD_TOO_LARGE', 'The request body is larger than this server accepts. Send smaller batches (GET /api/v1/health lists the limits).');
  if (e.status === 415) return new GreenmlError('INVALID_INPUT', 'Send the body as JSON with Content-Type: application/json.');
  if (e.status === 400) return new GreenmlError('INVALID_INPUT', `${e.message || 'Bad request'}: the body must be valid JSON. Nothing was stored.`);
  if (e.status === 401) return new GreenmlError('UNAUTHENTICATED', e.message || 'Authentication required.');
  if (e.status === 404) return new GreenmlError('NOT_FOUND', e.message || 'Not found.');
  return new GreenmlError('INTERNAL', e.message || `HTTP ${e.status}`);
}

export function toGreenmlError(e: unknown): GreenmlError {
  if (isGreenmlError(e)) return e;
  if (e instanceof HTTPException) return fromHttpException(e);
  return new GreenmlError('INTERNAL', `The server failed: ${e instanceof Error ? e.message : String(e)}.`, { cause: e });
}

export function errorBody(e: GreenmlError): ErrorBody {
  return { error: e.toJSON() };
}

export function errorResponse(c: Context, e: unknown): Response {
  const g = toGreenmlError(e);
  return c.json(errorBody(g), statusFor(g.code));
}
