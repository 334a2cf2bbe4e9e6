import { describe, expect, it } from 'vitest';
import { decideGuard, initialGuardState, parseGuardFlags, type GuardConfig, type GuardInput } from './guard.js';
import { predictRun } from './predict.js';

/** A job at `fraction` after `elapsedS` at constant pace and `powerW`, with intensity 400 g/kWh and $2/h. */
function input(fraction: number, elapsedS: number, powerW: number): GuardInput {
  const kwh = (powerW * elapsedS) / 3.6e6;
  const trace = [0.25, 0.5, 0.75, 1].map((q) => ({ t: q * elapsedS * 1000, fraction: q * fraction, energyKwh: q * kwh }));
  const prediction = predictRun({ trace, startedMs: 0, nowMs: elapsedS * 1000, energyKwh: kwh, intensityGPerKwh: 400, costUsdPerHour: 2 });
  return { prediction, fraction, actual: prediction.actual };
}

const config = (over: Partial<GuardConfig> = {}): GuardConfig => ({ maxKwh: null, maxCo2eG: null, maxCostUsd: null, onExceed: 'warn', warmupFraction: 0.1, ...over });

describe('decideGuard', () => {
  it('stays quiet before the warm-up fraction, however bad the prediction', () => {
    // 5 % done in 1 h at 1 kW: predicted 20 kWh against a 10 kWh limit, but only 1 kWh used.
    const d = decideGuard(config({ maxKwh: 10 }), input(0.05, 3600, 1000));
    expect(d.prediction?.energyKwh?.central).toBeCloseTo(20, 6);
    expect(d.action).toBe('none');
  });

  it('warns once per limit on the prediction after warm-up, with the range and the prediction that fired it', () => {
    const c = config({ maxKwh: 10, maxCo2eG: 2000 });
    const first = decideGuard(c, input(0.2, 3 * 3600, 1000)); // 3 kWh so far, 15 kWh predicted, 6 kg CO2e
    expect(first.action).toBe('warn');
    expect(first.triggers.map((t) => [t.limit, t.basis])).toEqual([['energy', 'predicted'], ['co2e', 'predicted']]);
    const energy = first.triggers[0];
    expect(energy?.value).toBeCloseTo(15, 6);
    expect(energy?.predicted?.low).toBeLessThan(15);
    expect(energy?.message).toMatch(/Predicted total 15 kWh \(range .+\) exceeds --max-kwh 10 kWh at 20% progress/);
    expect(first.prediction?.status).toBe('ok');
    const again = decideGuard(c, input(0.3, 4.5 * 3600, 1000), first.state);
    expect(again.action).toBe('none');
    expect(again.state.warned).toEqual(['energy', 'co2e']);
  });

  it('fires on an actual amount above a hard limit even before warm-up, or with no progress at all', () => {
    const c = config({ maxCostUsd: 5 });
    const early = decideGuard(c, input(0.02, 3 * 3600, 100)); // $6 spent at 2 % progress
    expect(early.action).toBe('warn');
    expect(early.triggers[0]).toMatchObject({ limit: 'cost', basis: 'actual', value: 6, limitValue: 5, unit: 'USD' });
    const blind = decideGuard(config({ maxKwh: 0.5 }), { prediction: null, fraction: null, actual: { energyKwh: 0.6, co2eG: null, costUsd: null } });
    expect(blind.triggers[0]?.message).toBe('600 Wh used so far exceeds --max-kwh 500 Wh.');
  });

  it('returns stop once with every limit that is exceeded', () => {
    const c = config({ maxKwh: 10, maxCostUsd: 1000, onExceed: 'stop' });
    const d = decideGuard(c, input(0.5, 3 * 3600, 4000)); // 12 kWh used, 24 predicted
    expect(d.action).toBe('stop');
    expect(d.triggers.map((t) => t.basis)).toEqual(['actual']);
    expect(decideGuard(c, input(0.6, 3.6 * 3600, 4000), d.state).action).toBe('none');
  });

  it('does not fire while the prediction stays under the limits', () => {
    expect(decideGuard(config({ maxKwh: 100, maxCo2eG: 1e6, maxCostUsd: 1e3 }), input(0.5, 3600, 1000)).action).toBe('none');
  });

  it('judges a stalled run on its stall-inclusive central prediction', () => {
    const trace = [1, 2, 3, 4, 5].map((i) => ({ t: i * 60_000, fraction: i * 0.05, energyKwh: i * 0.01 }));
    const prediction = predictRun({ trace, startedMs: 0, nowMs: 3600_000, energyKwh: 0.6 }); // nothing for 55 min
    expect(prediction.status).toBe('stalled');
    const d = decideGuard(config({ maxKwh: 1 }), { prediction, fraction: 0.25, actual: prediction.actual });
    expect(d.action).toBe('warn');
    expect(d.triggers[0]?.message).toMatch(/unbounded.*Progress has stalled/);
  });
});

describe('parseGuardFlags', () => {
  it('reads the flags of greenml run', () => {
    expect(parseGuardFlags({ maxCo2e: '2kg', maxCost: '30', maxKwh: '10', onExceed: 'stop', warmup: '0.2' })).toEqual({
      maxKwh: 10, maxCo2eG: 2000, maxCostUsd: 30, onExceed: 'stop', warmupFraction: 0.2,
    });
    expect(parseGuardFlags({ maxKwh: '500Wh', warmup: '5%' })).toMatchObject({ maxKwh: 0.5, onExceed: 'warn', warmupFraction: 0.05 });
    expect(parseGuardFlags({})).toBeNull();
    expect(initialGuardState()).toEqual({ warned: [], stopped: false });
  });

  it.each([
    [{ maxCo2e: '2' }, /--max-co2e "2".*500g, 2kg/],
    [{ maxKwh: '-1' }, /--max-kwh "-1"/],
    [{ maxKwh: '0' }, /--max-kwh must be greater than zero/],
    [{ maxCost: '30', onExceed: 'halt' }, /--on-exceed "halt": use warn or stop/],
    [{ maxCost: '30', onExceed: 'stpo' }, /Did you mean stop/],
    [{ maxCost: '30', warmup: '1.5' }, /--warmup "1.5": expected a number between 0 and 1/],
    [{ warmup: '0.2' }, /need a limit/],
  ])('rejects %j with a clear message', (flags, message) => {
    expect(() => parseGuardFlags(flags)).toThrow(message);
  });
});
