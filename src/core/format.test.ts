import { describe, expect, it } from 'vitest';
import { formatDurationS, formatEnergyKwh, formatMassG, formatPercent, formatPowerW, formatUsd } from './format.js';

describe('format', () => {
  it('picks readable units', () => {
    expect(formatEnergyKwh(40)).toBe('40 kWh');
    expect(formatEnergyKwh(0.0123)).toBe('12.3 Wh');
    expect(formatEnergyKwh(0.0000005)).toBe('1.8 J');
    expect(formatEnergyKwh(12_345)).toBe('12.3 MWh');
    expect(formatMassG(14_712)).toBe('14.7 kg');
    expect(formatMassG(0.5)).toBe('500 mg');
    expect(formatMassG(2.5e6)).toBe('2.5 t');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(0.0012)).toBe('$0.0012');
    expect(formatPowerW(1500)).toBe('1.5 kW');
    expect(formatDurationS(5400)).toBe('1h 30m');
    expect(formatDurationS(12.345)).toBe('12.3 s');
    expect(formatDurationS(90061)).toBe('1d 1h 1m');
    expect(formatPercent(0.1234)).toBe('12.3%');
  });
});
