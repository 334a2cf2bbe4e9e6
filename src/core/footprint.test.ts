import { describe, expect, it } from 'vitest';
import { ifSciEmbodiedShare } from './carbon/embodied.js';
import { computeFootprint, estimateComponents, type FootprintInput } from './footprint.js';
import { factor } from './provenance.js';
import type { IntensityPoint } from './series.js';

const H = 3_600_000;
const pue1 = factor(1, 'ratio', { source: 'test' });
const annual = (value: number) => ({ kind: 'constant' as const, factor: factor(value, 'gCO2e/kWh', { source: 'test zone', year: 2023 }), resolution: 'annual-average' as const });

describe('estimateComponents', () => {
  it('models GPU, CPU and memory with labels that say how', () => {
    const c = estimateComponents({
      durationS: 3600,
      gpu: { count: 2, tdpW: 300, utilization: 0.5, name: 'NVIDIA V100', source: 'GA TDP_gpu.csv' },
      cpu: { model: { kind: 'teads', tdpW: 100, source: 'test CPU' }, utilization: 0.5 },
      memory: { gb: 64 },
    });
    expect(c.map((x) => x.component)).toEqual(['gpu', 'cpu', 'memory']);
    expect(c.every((x) => x.method === 'modeled')).toBe(true);
    expect(c[0]?.energyKwh).toBeCloseTo(0.3, 12);
    expect(c[0]?.model).toBe('2 x NVIDIA V100: 300 W TDP x utilisation');
    expect(c[1]?.energyKwh).toBeCloseTo(0.075, 12);
    expect(c[1]?.model).toBe('Teads curve (linear), TDP 100 W');
    expect(c[2]?.energyKwh).toBeCloseTo((64 * 0.3725) / 1000, 12);
    expect(c[2]?.detail).toMatch(/Green Algorithms 0\.3725/);
  });
  it('uses an idle floor when given (CCF style) and validates counts', () => {
    const [g] = estimateComponents({ durationS: 3600, gpu: { count: 1, tdpW: 407, idleW: 46, utilization: 0, name: 'A100', source: 'CCF' } });
    expect(g?.energyKwh).toBeCloseTo(0.046, 12);
    expect(g?.model).toBe('1 x A100: 46-407 W linear in utilisation');
    expect(() => estimateComponents({ durationS: 1, gpu: { count: 1.5, tdpW: 1, utilization: 1, name: 'x', source: 'y' } })).toThrow(/whole number/);
    expect(() => estimateComponents({ durationS: 1, gpu: { count: 1, tdpW: 1, utilization: 100, name: 'x', source: 'y' } })).toThrow(/pass 1\b/);
    expect(estimateComponents({ durationS: 10 })).toEqual([]);
  });
});

describe('computeFootprint', () => {
  const components = estimateComponents({ durationS: 7200, gpu: { count: 1, tdpW: 250, utilization: 1, name: 'A100 PCIe', source: 'test' } });

  it('applies PUE, intensity, embodied and cost', () => {
    const embodied = [ifSciEmbodiedShare({ durationS: 7200 })];
    const f = computeFootprint({
      durationS: 7200,
      components,
      pue: factor(1.2, 'ratio', { source: 'test' }),
      intensity: annual(400),
      embodied,
      price: { kind: 'instance', priceUsdPerHour: 3, basis: 'on-demand', source: 'test price', billingIncrementS: 1, minimumBilledS: 60 },
    });
    expect(f.itEnergyKwh).toBeCloseTo(0.5, 12);
    expect(f.energyKwh).toBeCloseTo(0.6, 12);
    expect(f.operationalG).toBeCloseTo(240, 9);
    expect(f.embodiedG).toBeCloseTo(embodied[0]?.shareG as number, 12);
    expect(f.totalG).toBeCloseTo(240 + (embodied[0]?.shareG as number), 9);
    expect(f.intensityResolution).toBe('annual-average');
    expect(f.cost?.usd).toBeCloseTo(6, 12);
    expect(f.notes).toEqual([]);
  });

  it('electricity cost is charged on facility energy', () => {
    const f = computeFootprint({ durationS: 7200, components, pue: factor(1.5, 'ratio', { source: 't' }), intensity: annual(0), price: { kind: 'electricity', priceUsdPerKwh: 0.2, source: 'tariff' } });
    expect(f.cost).toMatchObject({ basis: 'electricity', priceUsdPerKwh: 0.2, source: 'tariff' });
    expect(f.cost?.usd).toBeCloseTo(0.5 * 1.5 * 0.2, 12);
  });

  it('time-resolved intensity weights each interval by its energy', () => {
    const points: IntensityPoint[] = [{ t: 0, durationS: 3600, intensityGPerKwh: 100 }, { t: H, durationS: 3600, intensityGPerKwh: 500 }];
    const input: FootprintInput = {
      durationS: 7200,
      components,
      pue: pue1,
      intensity: {
        kind: 'series',
        points,
        source: 'GB Carbon Intensity API',
        intervals: [
          { startMs: 0, endMs: H, energyKwh: 0.4 },
          { startMs: H, endMs: 2 * H, energyKwh: 0.1 },
        ],
      },
    };
    const f = computeFootprint(input);
    expect(f.intensityResolution).toBe('time-resolved');
    expect(f.intensity.value).toBeCloseTo((0.4 * 100 + 0.1 * 500) / 0.5, 9);
    expect(f.operationalG).toBeCloseTo(90, 9);
    expect(f.intensity.source).toMatch(/GB Carbon Intensity API/);
  });

  it('a series that misses part of the run needs a fallback, and says when it used one', () => {
    const points: IntensityPoint[] = [{ t: 0, durationS: 3600, intensityGPerKwh: 100 }];
    const intervals = [
      { startMs: 0, endMs: H, energyKwh: 0.25 },
      { startMs: H, endMs: 2 * H, energyKwh: 0.25 },
    ];
    const base = { durationS: 7200, components, pue: pue1 };
    expect(() => computeFootprint({ ...base, intensity: { kind: 'series', points, intervals, source: 's' } })).toThrow(/fallback/);
    const f = computeFootprint({ ...base, intensity: { kind: 'series', points, intervals, source: 's', fallback: factor(300, 'gCO2e/kWh', { source: 'annual average', year: 2023 }) } });
    expect(f.operationalG).toBeCloseTo(0.25 * 100 + 0.25 * 300, 9);
    expect(f.notes.join(' ')).toMatch(/covered 50\.0 %.*300 gCO2e\/kWh/);
  });

  it('notes an energy profile that disagrees with the components, and a footprint with no components', () => {
    const points: IntensityPoint[] = [{ t: 0, durationS: 7200, intensityGPerKwh: 100 }];
    const f = computeFootprint({ durationS: 7200, components, pue: pue1, intensity: { kind: 'series', points, source: 's', intervals: [{ startMs: 0, endMs: 2 * H, energyKwh: 2 }] } });
    expect(f.operationalG).toBeCloseTo(50, 9);
    expect(f.notes.join(' ')).toMatch(/only to weight/);
    const empty = computeFootprint({ durationS: 1, components: [], pue: pue1, intensity: annual(100), notes: ['caller note'] });
    expect(empty.totalG).toBe(0);
    expect(empty.notes[0]).toBe('caller note');
    expect(empty.notes[1]).toMatch(/No component energy/);
  });

  it('refuses a PUE below 1', () => {
    expect(() => computeFootprint({ durationS: 1, components, pue: factor(0.8, 'ratio', { source: 't' }), intensity: annual(1) })).toThrow(/at least 1/);
  });
});
