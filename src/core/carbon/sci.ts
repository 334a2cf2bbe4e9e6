/**
 * Software Carbon Intensity per functional unit (GSF SPEC.md v1.1.0, ISO/IEC 21031:2024):
 * SCI = ((E x I) + M) per R, with E in kWh, I location-based in g/kWh, M in g, R the count of
 * functional units (training runs, 1,000 inferences, epochs...).
 */
import { GreenmlError } from '../errors.js';
import { requireFinite, requireNonNegative } from '../energy/validate.js';

function requireUnits(functionalUnits: number): number {
  requireFinite(functionalUnits, 'Functional unit count R');
  if (functionalUnits <= 0) {
    throw new GreenmlError('INVALID_INPUT', `SCI needs a positive functional unit count R (e.g. 1 training run or 1000 inferences), got ${functionalUnits}.`);
  }
  return functionalUnits;
}

export interface SciInput {
  energyKwh: number;
  intensityGPerKwh: number;
  embodiedG: number;
  functionalUnits: number;
}

export function sciPerUnit(input: SciInput): number {
  requireNonNegative(input.energyKwh, 'Energy E (kWh)');
  requireNonNegative(input.intensityGPerKwh, 'Intensity I (gCO2e/kWh)');
  requireNonNegative(input.embodiedG, 'Embodied emissions M (g)');
  return (input.energyKwh * input.intensityGPerKwh + input.embodiedG) / requireUnits(input.functionalUnits);
}

/** Impact Framework's `Sci` builtin: carbon (O + M, g) per functional unit. */
export function sciFromCarbon(carbonG: number, functionalUnits: number): number {
  requireNonNegative(carbonG, 'Carbon (g)');
  return carbonG / requireUnits(functionalUnits);
}
