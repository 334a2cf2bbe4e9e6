import { describe, expect, it } from 'vitest';
import { billedSeconds, PER_SECOND_MIN_60S } from './billing.js';
import { computeCost, electricityCost } from './cost.js';
import { parsePricing } from '../records.js';

describe('billing', () => {
  it('bills per second after a 60 s minimum (AWS EC2 Linux, Compute Engine)', () => {
    const { incrementS, minimumS } = PER_SECOND_MIN_60S;
    expect(billedSeconds(20, incrementS, minimumS)).toBe(60);
    expect(billedSeconds(61.2, incrementS, minimumS)).toBe(62);
    expect(billedSeconds(120.0000000001, incrementS, minimumS)).toBe(120);
  });
  it('bills per hour when the increment is an hour, and exactly when none is given', () => {
    expect(billedSeconds(3601, 3600)).toBe(7200);
    expect(billedSeconds(12.5)).toBe(12.5);
    expect(() => billedSeconds(10, 0)).toThrow(/greater than zero/);
  });
});

describe('cost', () => {
  it('charges the billed duration at the hourly price', () => {
    const c = computeCost({ priceUsdPerHour: 32.77, durationS: 1800, basis: 'on-demand', source: 'AWS price list', billingIncrementS: 1, minimumBilledS: 60 });
    expect(c.usd).toBeCloseTo(16.385, 9);
    expect(c).toMatchObject({ basis: 'on-demand', priceUsdPerHour: 32.77, billedS: 1800, source: 'AWS price list' });
    const short = computeCost({ priceUsdPerHour: 3.6, durationS: 10, basis: 'spot', source: 's', billingIncrementS: 1, minimumBilledS: 60 });
    expect(short.usd).toBeCloseTo(0.06, 12);
    expect(() => computeCost({ priceUsdPerHour: -1, durationS: 1, basis: 'user-price', source: 'me' })).toThrow(/zero or more/);
  });
  it('prices electricity per kWh', () => {
    expect(electricityCost(40, 0.25, 'my tariff')).toEqual({ usd: 10, basis: 'electricity', priceUsdPerKwh: 0.25, source: 'my tariff' });
  });
});

describe('parsePricing', () => {
  it('reads the models as typed, reserved as the one-year term, and names the source of a bad one', () => {
    expect(parsePricing(' Spot ')).toBe('spot');
    expect(parsePricing('reserved')).toBe('reserved-1y');
    expect(parsePricing('reserved-3y')).toBe('reserved-3y');
    expect(() => parsePricing('cheap', 'GREENML_PRICING')).toThrow(/Invalid GREENML_PRICING "cheap": use on-demand, spot, reserved-1y, reserved-3y/);
  });
});
