import { describe, expect, it } from 'vitest';
import { parseDurationS, parseEnergyKwh, parseMassG, parseNumberIn, parseUsd } from './quantities.js';

describe('quantities', () => {
  it.each([
    ['90', 90], ['90s', 90], ['30m', 1800], ['1.5h', 5400], ['1h30m', 5400], ['2d', 172_800], ['250ms', 0.25],
  ])('parses duration %s', (text, s) => expect(parseDurationS(text)).toBe(s));

  it.each(['', 'h', '2x', '1h 30', '-5m', 'abc'])('rejects duration %j with an example of the form', (text) => {
    expect(() => parseDurationS(text)).toThrow(/e\.g\. 90s, 30m/);
  });

  it('parses masses with units only', () => {
    expect(parseMassG('2kg')).toBe(2000);
    expect(parseMassG('500 g')).toBe(500);
    expect(parseMassG('1.5t')).toBe(1.5e6);
    expect(parseMassG('2kgCO2e')).toBe(2000);
    expect(() => parseMassG('2')).toThrow(/with a unit/);
    expect(() => parseMassG('-2kg')).toThrow(/with a unit/);
  });

  it('parses energy and money', () => {
    expect(parseEnergyKwh('10kWh')).toBe(10);
    expect(parseEnergyKwh('500Wh')).toBe(0.5);
    expect(parseEnergyKwh('3.6MJ')).toBeCloseTo(1, 12);
    expect(() => parseEnergyKwh('10')).toThrow(/unit/);
    expect(parseUsd('$12.50')).toBe(12.5);
    expect(parseUsd('30 USD')).toBe(30);
    expect(() => parseUsd('-3')).toThrow(/non-negative/);
  });

  it('bounds plain numbers', () => {
    expect(parseNumberIn('0.6', '--util', 0, 1)).toBe(0.6);
    expect(() => parseNumberIn('1.2', '--util', 0, 1)).toThrow(/between 0 and 1/);
    expect(() => parseNumberIn('', '--util', 0, 1)).toThrow();
  });
});
