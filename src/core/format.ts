/**
 * Human formatting of quantities, shared by the CLI, the reports and the dashboard so they print the
 * same figure the same way. Picks the unit that keeps 3 significant digits readable.
 */
const sig = (x: number, digits = 3): string => {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toString();
};

export function formatEnergyKwh(energyKwh: number): string {
  const a = Math.abs(energyKwh);
  if (a === 0) return '0 kWh';
  if (a < 0.001) return `${sig(energyKwh * 3.6e6)} J`;
  if (a < 1) return `${sig(energyKwh * 1000)} Wh`;
  if (a < 1000) return `${sig(energyKwh)} kWh`;
  return `${sig(energyKwh / 1000)} MWh`;
}

export function formatMassG(co2eG: number): string {
  const a = Math.abs(co2eG);
  if (a === 0) return '0 g';
  if (a < 1) return `${sig(co2eG * 1000)} mg`;
  if (a < 1000) return `${sig(co2eG)} g`;
  if (a < 1e6) return `${sig(co2eG / 1000)} kg`;
  return `${sig(co2eG / 1e6)} t`;
}

export function formatUsd(usd: number): string {
  if (Math.abs(usd) < 0.01 && usd !== 0) return `$${usd.toPrecision(2)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatPowerW(powerW: number): string {
  return Math.abs(powerW) >= 1000 ? `${sig(powerW / 1000)} kW` : `${sig(powerW)} W`;
}

export function formatDurationS(durationS: number): string {
  const s = Math.round(durationS);
  if (durationS < 60) return `${sig(durationS, 3)} s`;
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m ${rest}s`;
}

export function formatPercent(ratio: number, digits = 1): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}
