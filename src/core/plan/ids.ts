/**
 * Option ids, "<instance>@<provider>:<region>:<pricing>", and the `--current` syntax
 * "<instance>@<region>[:<pricing>]" (provider prefix optional, pricing on-demand by default), so
 * any id the plan prints can be pasted back as --current.
 */
import { GreenmlError } from '../errors.js';
import { PRICINGS, type Pricing } from '../records.js';
import type { PlanChoice, PlanOffer } from './types.js';

export const optionId = (o: Pick<PlanOffer, 'instanceType' | 'provider' | 'region' | 'pricing'>): string => `${o.instanceType}@${o.provider}:${o.region}:${o.pricing}`;

export function parseChoice(text: string): PlanChoice {
  const t = text.trim();
  const at = t.lastIndexOf('@');
  const usage = 'use <instance>@<region>[:<pricing>], e.g. p4d.24xlarge@us-east-1 or a3-highgpu-8g@gcp:europe-west4:spot';
  if (at <= 0 || at === t.length - 1) throw new GreenmlError('INVALID_INPUT', `Invalid current choice "${text}": ${usage}.`);
  const instanceType = t.slice(0, at);
  let region = t.slice(at + 1);
  let pricing: Pricing = 'on-demand';
  const colon = region.lastIndexOf(':');
  if (colon >= 0) {
    const tail = region.slice(colon + 1).toLowerCase();
    if ((PRICINGS as readonly string[]).includes(tail)) {
      pricing = tail as Pricing;
      region = region.slice(0, colon);
    } else if (region.indexOf(':') !== colon) {
      throw new GreenmlError('INVALID_INPUT', `Invalid pricing "${region.slice(colon + 1)}" in "${text}": use one of ${PRICINGS.join(', ')}.`);
    }
  }
  if (!region) throw new GreenmlError('INVALID_INPUT', `Invalid current choice "${text}": ${usage}.`);
  return { instanceType, region, pricing };
}

/** True when an offer is the choice (case-insensitive; region with or without provider prefix). */
export function matchesChoice(o: PlanOffer, c: PlanChoice): boolean {
  if (o.pricing !== c.pricing || o.instanceType.toLowerCase() !== c.instanceType.toLowerCase()) return false;
  const r = c.region.toLowerCase();
  return r === o.region.toLowerCase() || r === `${o.provider}:${o.region}`.toLowerCase();
}
