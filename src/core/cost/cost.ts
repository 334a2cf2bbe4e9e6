/**
 * Money a run costs: instance time at a price per hour (on-demand, spot, reserved, or the user's
 * own price), or electricity at a price per kWh for machines the user owns.
 */
import type { CostBreakdown, Pricing } from '../records.js';
import { requireNonNegative } from '../energy/validate.js';
import { billedSeconds } from './billing.js';

export interface CostInput {
  priceUsdPerHour: number;
  durationS: number;
  basis: Pricing | 'user-price';
  source: string;
  /** Billing granularity, s; omit to bill the exact duration. */
  billingIncrementS?: number;
  /** Smallest billed duration, s (60 for AWS EC2 Linux and Compute Engine). */
  minimumBilledS?: number;
}

export type InstanceCost = CostBreakdown & { billedS: number };

export function computeCost(input: CostInput): InstanceCost {
  requireNonNegative(input.priceUsdPerHour, 'Price (USD/hour)');
  const billedS = billedSeconds(input.durationS, input.billingIncrementS, input.minimumBilledS ?? 0);
  return {
    usd: (input.priceUsdPerHour * billedS) / 3600,
    basis: input.basis,
    priceUsdPerHour: input.priceUsdPerHour,
    source: input.source,
    billedS,
  };
}

/** Electricity cost of the facility energy (IT energy x PUE) at a tariff. */
export function electricityCost(energyKwh: number, priceUsdPerKwh: number, source: string): CostBreakdown {
  requireNonNegative(energyKwh, 'Energy (kWh)');
  requireNonNegative(priceUsdPerKwh, 'Electricity price (USD/kWh)');
  return { usd: energyKwh * priceUsdPerKwh, basis: 'electricity', priceUsdPerKwh, source };
}
