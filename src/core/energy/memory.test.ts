import { describe, expect, it } from 'vitest';
import { codecarbonDimmCount, codecarbonRamPowerW, DEFAULT_MEMORY_W_PER_GB, gbFromBytes, memoryPowerW } from './memory.js';

describe('memory power', () => {
  it('is linear in GB with the default coefficient, and the coefficient can be changed', () => {
    expect(memoryPowerW(64)).toBeCloseTo(64 * DEFAULT_MEMORY_W_PER_GB, 12);
    expect(memoryPowerW(64, 0.08)).toBeCloseTo(5.12, 12);
    expect(memoryPowerW(0)).toBe(0);
    expect(gbFromBytes(8e9)).toBe(8);
    expect(() => memoryPowerW(-1)).toThrow(/zero or more/);
  });
  it('CodeCarbon v3 heuristic is non-monotonic in capacity, as documented upstream', () => {
    expect(codecarbonDimmCount(503.7)).toBe(16);
    expect(codecarbonDimmCount(1024)).toBe(8);
    expect(codecarbonRamPowerW(503.7)).toBe(70);
    expect(codecarbonRamPowerW(1024)).toBe(38);
    expect(codecarbonRamPowerW(1)).toBe(10);
    expect(codecarbonRamPowerW(8, 'arm')).toBe(3);
    expect(codecarbonRamPowerW(128, 'arm')).toBeCloseTo(11.4, 12);
  });
});
