/**
 * The dashboard's pure modules (no DOM), in Node: chart series of a run, the 2-D Pareto front of
 * the compare page, the plan form's request, budget status rows and the overview's periods.
 */
import { describe, expect, it } from 'vitest';
import { isGreenmlError, periodBounds } from '../../src/core/index.js';
import { escapeHtml } from '../../src/web/figures.js';
import { paretoFront2d } from '../../src/web/pareto2d.js';
import { lastPeriods } from '../../src/web/periods.js';
import { planRequestFrom, type PlanFields } from '../../src/web/plan-request.js';
import { intensitySteps, metricSeries, runSeries } from '../../src/web/run-series.js';
import { gbSeries, heroRun } from './seed.js';

describe('runSeries', () => {
  const { actual } = gbSeries();
  const hero = heroRun(actual);

  it('ends cumulative facility energy at the run energy and cumulative emissions at its operational figure', () => {
    const s = runSeries(hero.run, hero.samples, actual.points);
    expect(s.pue).toBe(hero.run.footprint?.pue.value);
    expect(s.facilityKwh.at(-1)?.[1]).toBeCloseTo(hero.run.energyKwh, 12);
    // Time-resolved over the same intervals as the footprint: the same grams.
    expect(s.operationalG?.at(-1)?.[1]).toBeCloseTo(hero.run.operationalG, 9);
    expect(Object.keys(s.powerW).sort()).toEqual(['cpu', 'gpu', 'memory']);
    expect(s.powerW.gpu?.[0]).toEqual([hero.samples[0]?.t, hero.samples[0]?.gpuW]);
  });

  it('keeps cumulative figures exact under downsampling, and uses the mean intensity without a series', () => {
    const every10th = hero.samples.filter((_, i) => i % 10 === 9);
    const s = runSeries(hero.run, every10th, null);
    expect(s.facilityKwh.at(-1)?.[1]).toBeCloseTo(hero.run.energyKwh, 12);
    expect(s.operationalG?.at(-1)?.[1]).toBeCloseTo(hero.run.energyKwh * hero.run.intensityGPerKwh!, 9);
    const cumulative = s.operationalG!.map((p) => p[1] as number);
    expect(cumulative.every((v, i) => i === 0 || v >= (cumulative[i - 1] as number))).toBe(true);
  });

  it('leaves out components the meter never reported and has no emissions without an intensity', () => {
    const run = { ...hero.run, footprint: null, intensityGPerKwh: null };
    const samples = hero.samples.map((x) => ({ ...x, gpuW: null, gpuJ: 0 }));
    const s = runSeries(run, samples);
    expect(Object.keys(s.powerW).sort()).toEqual(['cpu', 'memory']);
    expect(s.operationalG).toBeNull();
    // PUE implied by the totals when there is no footprint.
    expect(s.pue).toBeCloseTo(hero.run.energyKwh / (hero.run.cpuKwh + hero.run.gpuKwh + hero.run.memoryKwh), 12);
  });

  it('groups metrics by key in time order', () => {
    const m = metricSeries(hero.metrics);
    expect([...m.keys()]).toEqual(['accuracy', 'loss']);
    expect(m.get('loss')).toHaveLength(24);
    const loss = m.get('loss')!;
    expect(loss.every((p, i) => i === 0 || (p[0] as number) >= (loss[i - 1]![0] as number))).toBe(true);
  });

  it('draws intensity points as steps that hold for their duration', () => {
    expect(intensitySteps([{ t: 0, durationS: 1800, intensityGPerKwh: 100 }, { t: 1_800_000, durationS: 1800, intensityGPerKwh: 80 }])).toEqual([
      [0, 100],
      [1_800_000, 100],
      [1_800_000, 80],
      [3_600_000, 80],
    ]);
  });
});

describe('paretoFront2d', () => {
  const pts = [
    { cost: 1, score: 0.5 },
    { cost: 2, score: 0.7 },
    { cost: 2, score: 0.6 }, // same cost, worse score: dominated
    { cost: 3, score: 0.7 }, // more cost, same score: dominated
    { cost: 4, score: 0.9 },
    { cost: 4, score: 0.9 }, // equal on both: both stay
    { cost: Number.NaN, score: 1 }, // not a number: never on the front
  ];

  it('keeps the runs nothing beats on both axes', () => {
    expect(paretoFront2d(pts, true)).toEqual([0, 1, 4, 5]);
  });

  it('flips the score for lower-is-better metrics', () => {
    expect(paretoFront2d(pts, false)).toEqual([0]);
    expect(paretoFront2d([{ cost: 1, score: 0.5 }, { cost: 2, score: 0.2 }, { cost: 3, score: 0.3 }], false)).toEqual([0, 1]);
  });

  it('agrees with the definition on random points', () => {
    let s = 1;
    const r = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
    for (let round = 0; round < 50; round++) {
      const p = Array.from({ length: 30 }, () => ({ cost: Math.round(r() * 10), score: Math.round(r() * 10) }));
      const front = new Set(paretoFront2d(p, true));
      p.forEach((a, i) => {
        const dominated = p.some((b) => b.cost <= a.cost && b.score >= a.score && (b.cost < a.cost || b.score > a.score));
        expect(front.has(i)).toBe(!dominated);
      });
    }
  });
});

describe('planRequestFrom', () => {
  const blank: PlanFields = {
    kind: 'training', params: '', tokens: '', mfu: '', hours: '', on: '', runId: '', precision: '', optimize: '', providers: [], pricing: [], regions: '', minGpuMemoryGb: '', deadline: '', budgetUsd: '', current: '', nodes: '',
  };

  it('reads counts, durations and amounts like greenml plan flags', () => {
    const body = planRequestFrom({ ...blank, params: '7B', tokens: '1.5T', mfu: '0.35', providers: ['aws', 'gcp'], pricing: ['spot'], regions: 'us-east-1, gcp:europe-west4', deadline: '48h', budgetUsd: '$5000', optimize: 'carbon', nodes: '2', current: ' p4d.24xlarge@us-east-1 ' });
    expect(body).toEqual({
      workload: { kind: 'training', params: 7e9, tokens: 1.5e12, mfu: 0.35 },
      constraints: { providers: ['aws', 'gcp'], pricing: ['spot'], regions: ['us-east-1', 'gcp:europe-west4'], deadlineS: 172_800, budgetUsd: 5000 },
      optimize: 'carbon',
      current: 'p4d.24xlarge@us-east-1',
      nodes: 2,
    });
    expect(planRequestFrom({ ...blank, kind: 'accelerator-hours', hours: '120', on: 'a100-80gb' })).toEqual({ workload: { kind: 'accelerator-hours', hours: 120, on: 'a100-80gb' } });
    expect(planRequestFrom({ ...blank, kind: 'run', runId: '01GVHE' })).toEqual({ workload: { kind: 'run', runId: '01GVHE' } });
  });

  it('names the field and an accepted form when one is wrong', () => {
    const msg = (f: Partial<PlanFields>): string => {
      try {
        planRequestFrom({ ...blank, params: '7B', tokens: '1T', ...f });
        return 'no error';
      } catch (e) {
        expect(isGreenmlError(e) && e.code).toBe('INVALID_INPUT');
        return (e as Error).message;
      }
    };
    expect(msg({ tokens: '' })).toMatch(/both the parameter count and the training tokens/);
    expect(msg({ params: 'seven' })).toMatch(/Invalid parameter count "seven".*7B/);
    expect(msg({ deadline: 'tomorrow' })).toMatch(/Invalid deadline "tomorrow"/);
    expect(msg({ nodes: '1.5' })).toMatch(/whole number/);
    expect(msg({ mfu: '2' })).toMatch(/MFU/);
  });
});

describe('lastPeriods and escapeHtml', () => {
  it('lists UTC periods oldest first, ending with the current one', () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    const weeks = lastPeriods('week', 3, now);
    expect(weeks.map((w) => w.key)).toEqual(['2026-W08', '2026-W09', '2026-W10']);
    expect(weeks.at(-1)).toEqual(periodBounds('week', now));
    expect(lastPeriods('month', 13, now)[0]?.key).toBe('2025-03');
    expect(lastPeriods('day', 30, now).every((d, i, all) => i === 0 || d.startMs === all[i - 1]!.endMs)).toBe(true);
  });

  it('escapes the characters that would make a name markup', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe('&#60;img src=x onerror=&#34;a(&#39;b&#39;)&#34;&#62;&#38;');
  });
});
