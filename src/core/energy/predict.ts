/**
 * Extrapolation of a total from the units already done, carbontracker's predictor
 * (carbontracker/predictor.py, 2023): total = units x mean(value per finished unit).
 */
import { GreenmlError } from '../errors.js';
import { requireNonNegative } from './validate.js';

export function predictTotal(valuesPerUnit: readonly number[], totalUnits: number): number {
  requireNonNegative(totalUnits, 'Total number of units (epochs, steps)');
  if (valuesPerUnit.length === 0) {
    throw new GreenmlError('INVALID_INPUT', 'Cannot predict a total before one unit (epoch, step) has finished: measure at least one first.');
  }
  let sum = 0;
  for (const v of valuesPerUnit) sum += requireNonNegative(v, 'Value per unit');
  return (sum / valuesPerUnit.length) * totalUnits;
}
