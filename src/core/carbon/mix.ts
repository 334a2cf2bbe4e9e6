/**
 * Intensity of an electricity mix from per-source life-cycle intensities, CodeCarbon's last
 * fallback before the world average (codecarbon/data/private_infra/carbon_intensity_per_source.json,
 * 2025; docs/explanation/methodology.md). g CO2e/kWh.
 */
import { GreenmlError } from '../errors.js';
import { requireNonNegative } from '../energy/validate.js';

export const CODECARBON_SOURCE_INTENSITY_G_PER_KWH = {
  coal: 995,
  petroleum: 816,
  naturalGas: 743,
  fossil: 635,
  geothermal: 38,
  hydroelectricity: 26,
  nuclear: 29,
  solar: 48,
  wind: 26,
} as const;

export type EnergySource = keyof typeof CODECARBON_SOURCE_INTENSITY_G_PER_KWH;

/** Sum of share x intensity; shares are fractions that must add up to 1. */
export function intensityFromMix(shares: Partial<Record<EnergySource, number>>, intensities: Readonly<Record<EnergySource, number>> = CODECARBON_SOURCE_INTENSITY_G_PER_KWH): number {
  let total = 0;
  let g = 0;
  for (const [source, share] of Object.entries(shares) as [EnergySource, number][]) {
    requireNonNegative(share, `Share of ${source}`);
    total += share;
    g += share * intensities[source];
  }
  if (Math.abs(total - 1) > 0.005) {
    const hint = Math.abs(total - 100) < 0.5 ? ' They look like percentages: divide by 100.' : '';
    throw new GreenmlError('INVALID_INPUT', `The shares of an electricity mix must add up to 1, got ${total}.${hint}`);
  }
  return g;
}
