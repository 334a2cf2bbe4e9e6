import { describe, expect, it } from 'vitest';
import { windowLine } from './schedule-render.js';

const at = (iso: string): number => Date.parse(iso);

describe('windowLine', () => {
  // CI once drew a window that began on a whole minute: it printed "19:59Z – 19:59:05Z".
  it('writes both ends in seconds when either end is off the minute, in UTC and local time', () => {
    const w = { startMs: at('2026-12-06T19:59:00Z'), endMs: at('2026-12-06T19:59:05Z') };
    expect(windowLine(w, 'UTC')).toBe('2026-12-06 19:59:00Z – 19:59:05Z');
    expect(windowLine(w, 'Asia/Tokyo')).toBe('2026-12-06 19:59:00Z – 19:59:05Z  (2026-12-07 04:59:00 – 04:59:05 Asia/Tokyo)');
  });

  it('writes minutes when both ends are on the minute, and the end date when the window crosses midnight', () => {
    expect(windowLine({ startMs: at('2026-12-06T02:00:00Z'), endMs: at('2026-12-06T05:30:00Z') }, 'Europe/Paris')).toBe('2026-12-06 02:00Z – 05:30Z  (2026-12-06 03:00 – 06:30 Europe/Paris)');
    expect(windowLine({ startMs: at('2026-12-06T23:00:00Z'), endMs: at('2026-12-07T01:00:00Z') }, 'UTC')).toBe('2026-12-06 23:00Z – 2026-12-07 01:00Z');
  });
});
