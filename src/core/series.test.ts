import { describe, expect, it } from 'vitest';
import { meanIntensityOver, pointIndexAt, type IntensityPoint } from './series.js';

const H = 3_600_000;
const pts: IntensityPoint[] = [100, 200, 300, 400].map((v, i) => ({ t: i * H, durationS: 3600, intensityGPerKwh: v }));

describe('intensity series', () => {
  it('finds the point covering a time', () => {
    expect(pointIndexAt(pts, 0)).toBe(0);
    expect(pointIndexAt(pts, H - 1)).toBe(0);
    expect(pointIndexAt(pts, 3 * H + 5)).toBe(3);
    expect(pointIndexAt(pts, 4 * H)).toBe(-1);
    expect(pointIndexAt(pts, -1)).toBe(-1);
  });
  it('averages with overlap weights', () => {
    expect(meanIntensityOver(pts, 0, 2 * H)).toBe(150);
    expect(meanIntensityOver(pts, H / 2, H + H / 2)).toBe(150);
    expect(meanIntensityOver(pts, 0.75 * H, 2 * H)).toBeCloseTo((100 * 0.25 + 200) / 1.25, 12);
  });
  it('refuses to average across a gap or beyond the data', () => {
    expect(meanIntensityOver(pts, 3 * H, 5 * H)).toBeNull();
    const gappy = [pts[0] as IntensityPoint, pts[2] as IntensityPoint];
    expect(meanIntensityOver(gappy, 0, 3 * H)).toBeNull();
  });
});
