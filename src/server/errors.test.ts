import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../core/index.js';
import { HTTP_STATUS, fieldPath, invalidRequest } from './errors.js';

describe('error statuses', () => {
  it('maps every code once, as the API documents', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    expect(HTTP_STATUS).toMatchObject({
      INVALID_INPUT: 400, UNKNOWN_ID: 404, NOT_FOUND: 404, INFEASIBLE: 422, CONFLICT: 409, UNAUTHENTICATED: 401,
      FORBIDDEN: 403, PAYLOAD_TOO_LARGE: 413, STORE_UNAVAILABLE: 503, UPSTREAM_FAILED: 502, INTERNAL: 500, METER_UNAVAILABLE: 500,
    });
  });

  it('names the field of a validation failure the way greenml names fields', () => {
    expect(fieldPath(['samples', 3, 'cpuW'])).toBe('samples[3].cpuW');
    const e = invalidRequest('json', [{ path: ['samples', 3, 'cpuW'], message: 'expected number' }, { path: ['x'], message: 'bad' }]);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toBe('Invalid body: samples[3].cpuW: expected number (and 1 more problem). Nothing was stored.');
    expect(e.details).toMatchObject({ field: 'samples[3].cpuW', in: 'body' });
  });
});
