/** The human rendering of a footprint, shared by `estimate`, the `run` summary and `runs show`. */
import { formatEnergyKwh, formatMassG, formatUsd, type Equivalence, type Footprint } from '../core/index.js';
import { colors } from './output.js';

const num = (x: number): string => String(Number(x.toPrecision(4)));

export function renderFootprint(f: Footprint, opts: { equivalences?: readonly Equivalence[]; verbose?: boolean } = {}): string {
  const c = colors();
  const lines: string[] = [];
  const label = (s: string): string => c.bold(s.padEnd(11));
  lines.push(`${label('Energy')}${formatEnergyKwh(f.energyKwh)}  (IT ${formatEnergyKwh(f.itEnergyKwh)} x PUE ${num(f.pue.value)})`);
  for (const comp of f.components) {
    lines.push(`  ${comp.component.padEnd(8)} ${formatEnergyKwh(comp.energyKwh).padStart(10)}  ${c.dim(comp.method)}  ${comp.model}`);
    if (opts.verbose && comp.detail) lines.push(`  ${' '.repeat(20)}${c.dim(comp.detail)}`);
  }
  lines.push(
    `${label('Emissions')}${c.bold(formatMassG(f.totalG) + ' CO2e')}  (operational ${formatMassG(f.operationalG)} + embodied ${formatMassG(f.embodiedG)})`,
  );
  if (f.cost) {
    const rate = f.cost.priceUsdPerHour !== undefined ? ` at ${formatUsd(f.cost.priceUsdPerHour)}/h` : f.cost.priceUsdPerKwh !== undefined ? ` at ${formatUsd(f.cost.priceUsdPerKwh)}/kWh` : '';
    lines.push(`${label('Cost')}${formatUsd(f.cost.usd)}  (${f.cost.basis}${rate}; ${f.cost.source})`);
  }
  lines.push(c.bold('Factors'));
  const year = (y?: number): string => (y ? `, ${y}` : '');
  lines.push(`  intensity  ${num(f.intensity.value)} ${f.intensity.unit} (${f.intensityResolution})  ${c.dim(f.intensity.source + year(f.intensity.year))}`);
  lines.push(`  PUE        ${num(f.pue.value)}  ${c.dim(f.pue.source + year(f.pue.year))}`);
  for (const e of f.embodied) {
    lines.push(`  embodied   ${e.item}: ${formatMassG(e.totalG)} over ${num(e.lifetimeS / 31_536_000)} y, ${num(e.reservedShare * 100)}% reserved -> ${formatMassG(e.shareG)}  ${c.dim(e.source)}`);
  }
  // Equivalents below a hundredth of a unit say nothing a reader can picture.
  const eq = (opts.equivalences ?? []).filter((e) => e.basis === 'co2e' && e.value >= 0.01).slice(0, 3);
  if (eq.length) lines.push(`${label('About as')}${eq.map((e) => `${Number(e.value.toPrecision(3))} ${e.label}`).join('; ')}`);
  for (const n of f.notes) lines.push(c.yellow(`note: ${n}`));
  return lines.join('\n');
}
