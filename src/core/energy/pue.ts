/**
 * Power usage effectiveness: facility energy / IT energy. PUE multiplies only what was measured or
 * modelled (IT components), never the wall power of the whole building.
 */
import { GreenmlError } from '../errors.js';
import { factor, type Factor } from '../provenance.js';

export function validatePue(pue: number, what = 'PUE'): number {
  if (!Number.isFinite(pue) || pue < 1) {
    throw new GreenmlError('INVALID_INPUT', `${what} must be a number of at least 1 (facility energy / IT energy, e.g. 1.1 for a hyperscale cloud, 1.56 for an average data centre), got ${String(pue)}.`);
  }
  if (pue > 5) {
    throw new GreenmlError('INVALID_INPUT', `${what} ${pue} is implausible: the worst surveyed data centres are below 3 (Uptime Institute 2024). Give facility energy / IT energy, e.g. 1.2.`);
  }
  return pue;
}

/** Facility energy from IT energy. */
export function applyPue(itEnergyKwh: number, pue: number): number {
  return itEnergyKwh * validatePue(pue);
}

/**
 * No facility overhead: a workstation or laptop, where greenml measures the machine itself. Also
 * CodeCarbon's default (pue=1.0, codecarbon/emissions_tracker.py, 2025).
 */
export const PUE_NONE: Factor = factor(1, 'ratio', { source: 'greenml default for a machine outside a data centre: no facility overhead (as CodeCarbon pue=1.0)', year: 2025 });

/** An unknown data centre: Green Algorithms defaults_PUE.csv "Unknown" 1.56, from the Uptime Institute global survey 2024. */
export const PUE_UNKNOWN_DATA_CENTRE: Factor = factor(1.56, 'ratio', {
  source: 'Green Algorithms data/latest/defaults_PUE.csv "Unknown" (Uptime Institute Global Data Center Survey 2024)',
  year: 2024,
  url: 'https://github.com/GreenAlgorithms/green-algorithms-tool',
});
