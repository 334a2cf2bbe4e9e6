/**
 * Formatting the dashboard adds to core's formatters (which it uses for every energy, mass, cost,
 * power and duration, so a figure reads the same here as in the CLI). Pure: no DOM.
 */
import { formatEnergyKwh, formatMassG, formatUsd } from '../core/index.js';

/** Factors as the CLI's footprint prints them: 4 significant digits (src/cli/render-footprint.ts). */
export const num = (x: number): string => String(Number(x.toPrecision(4)));

/** Equivalents as the CLI prints them: 3 significant digits. */
export const count3 = (x: number): string => String(Number(x.toPrecision(3)));

export const integer = (n: number): string => Math.round(n).toLocaleString('en-US');

export const formatIntensity = (gPerKwh: number): string => `${num(gPerKwh)} gCO2e/kWh`;

/** "2026-01-01 12:00" in UTC, as `greenml runs list` prints times. */
export const when = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** Cost, or an em dash when unknown (no price for the instance). */
export const cost = (usd: number | null | undefined): string => (usd === null || usd === undefined ? '—' : formatUsd(usd));

/** A budget amount in its unit (kgCO2e budgets print as masses, like `greenml budget list`). */
export function budgetAmount(amount: number, unit: 'kWh' | 'kgCO2e' | 'USD'): string {
  if (unit === 'kWh') return formatEnergyKwh(amount);
  if (unit === 'kgCO2e') return `${formatMassG(amount * 1000)} CO2e`;
  return formatUsd(amount);
}

/** Run and job ids are time-ordered 26-character ids; 8 characters are enough to tell them apart. */
export const shortId = (id: string): string => id.slice(0, 8);

/** For the few places ECharts takes HTML (custom tooltips): names come from users. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
