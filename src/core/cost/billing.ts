/**
 * How long a provider bills for a run. Both large clouds bill Linux VMs per second after a first
 * minute, so a 20-second job costs a minute and a 61-second job 61 seconds:
 * - AWS EC2: per-second billing for Linux (and Windows, RHEL, Ubuntu Pro) On-Demand, Spot and
 *   Reserved instances with a 60-second minimum, since 2 October 2017 (announced 18 September
 *   2017; https://aws.amazon.com/ec2/pricing/on-demand/). Other AMIs (some Marketplace images, SUSE
 *   before 2022) bill per hour; pass an increment of 3600 for those.
 * - Google Compute Engine: per-second billing with a 1-minute minimum for vCPUs, memory and GPUs,
 *   since 26 September 2017 (https://cloud.google.com/compute/vm-instance-pricing).
 * Other providers differ (several GPU clouds bill per minute or per hour): the catalog records each
 * price's increment; without one greenml bills the exact duration and says so.
 */
import { requireNonNegative, requirePositive } from '../energy/validate.js';

export interface BillingRule {
  /** Billing granularity, s (1 = per second). */
  incrementS: number;
  /** Smallest billed duration, s. */
  minimumS: number;
  source: string;
}

/** AWS EC2 Linux and Google Compute Engine: per second, 60 s minimum (2017). */
export const PER_SECOND_MIN_60S: Readonly<BillingRule> = {
  incrementS: 1,
  minimumS: 60,
  source: 'AWS EC2 Linux and Google Compute Engine: per-second billing, 60 s minimum (since Oct 2017)',
};

/** Duration the provider bills: rounded up to the increment, at least the minimum. */
export function billedSeconds(durationS: number, incrementS?: number, minimumS = 0): number {
  requireNonNegative(durationS, 'Duration (s)');
  requireNonNegative(minimumS, 'Minimum billed duration (s)');
  let billed = durationS;
  if (incrementS !== undefined) {
    requirePositive(incrementS, 'Billing increment (s)');
    // A float duration like 120.0000001 s must not bill one more increment for rounding noise.
    billed = Math.ceil(durationS / incrementS - 1e-9) * incrementS;
  }
  return Math.max(billed, minimumS);
}
