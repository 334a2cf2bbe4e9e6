import { describe, expect, it } from 'vitest';
import { ccfEmbodiedShare, embodiedShare, ifServerEmbodiedTotalG, ifSciEmbodiedG } from './embodied.js';
import { intensityFromMix } from './mix.js';
import { sciFromCarbon, sciPerUnit } from './sci.js';

describe('embodied emissions', () => {
  it('scales by time and reserved share', () => {
    const s = embodiedShare({ item: 'GPU server', totalG: 2_000_000, lifetimeS: 1000, usedS: 10, reservedShare: 0.5, source: 'test' });
    expect(s.shareG).toBe(10_000);
    expect(s).toMatchObject({ item: 'GPU server', usedS: 10, reservedShare: 0.5 });
    expect(() => embodiedShare({ item: 'x', totalG: 1, lifetimeS: 0, usedS: 1, source: 't' })).toThrow(/greater than zero/);
    expect(() => embodiedShare({ item: 'x', totalG: 1, lifetimeS: 1, usedS: 1, reservedShare: 2, source: 't' })).toThrow(/between 0 and 1/);
  });
  it('CCF charges by vCPU share of the largest instance in the family', () => {
    expect(() => ccfEmbodiedShare({ item: 'm5', totalG: 1, usedS: 1, vcpus: 200, largestVcpus: 96, source: 't' })).toThrow(/largest/);
  });
  it('IF model: the baseline server with nothing added is the baseline', () => {
    expect(ifServerEmbodiedTotalG({})).toBe(1_000_000);
    expect(ifServerEmbodiedTotalG({ gpu: 8 })).toBe(2_200_000);
    expect(ifSciEmbodiedG({ durationS: 0 })).toBe(0);
  });
});

describe('SCI and mix', () => {
  it('refuses a functional unit count of zero or less', () => {
    expect(() => sciPerUnit({ energyKwh: 1, intensityGPerKwh: 1, embodiedG: 0, functionalUnits: 0 })).toThrow(/positive functional unit/);
    expect(() => sciFromCarbon(1, -1)).toThrow(/positive functional unit/);
    expect(sciPerUnit({ energyKwh: 2, intensityGPerKwh: 100, embodiedG: 50, functionalUnits: 5 })).toBe(50);
  });
  it('mix shares must add up to 1, with a hint for percentages', () => {
    expect(intensityFromMix({ wind: 0.5, solar: 0.5 })).toBe(37);
    expect(() => intensityFromMix({ coal: 50, wind: 50 })).toThrow(/divide by 100/);
  });
});
