import { describe, expect, it } from 'vitest';
import { isLoopback } from './listen.js';
import { parseIsoMs } from './query-schemas.js';

describe('bind addresses and request times', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com']) expect(isLoopback(h), h).toBe(false);
  });

  it('reads ISO 8601 times with or without an offset (none: UTC)', () => {
    expect(parseIsoMs('2023-06-01T12:00:00Z')).toBe(Date.UTC(2023, 5, 1, 12));
    expect(parseIsoMs('2023-06-01T12:00:00+02:00')).toBe(Date.UTC(2023, 5, 1, 10));
    expect(parseIsoMs('2023-06-01T12:00:00+0200')).toBe(Date.UTC(2023, 5, 1, 10));
    expect(parseIsoMs('2023-06-01T12:00:00 02:00')).toBe(Date.UTC(2023, 5, 1, 10));
    expect(parseIsoMs('2023-06-01T12:00')).toBe(Date.UTC(2023, 5, 1, 12));
    expect(parseIsoMs('2023-06-01')).toBe(Date.UTC(2023, 5, 1));
    expect(parseIsoMs('2023-06-01T12:00:00.5Z')).toBe(Date.UTC(2023, 5, 1, 12, 0, 0, 500));
    expect(parseIsoMs('yesterday')).toBeNull();
    expect(parseIsoMs('2023-13-45T99:00Z')).toBeNull();
  });
});
