/** Hourly prices per instance, region and pricing model (see docs/catalog.md for dates and caveats). */
import { GreenmlError, didYouMean } from '../core/index.js';
import { PRICES } from './data.js';
import { findInstance } from './instances.js';
import { checkProvider } from './providers.js';
import { findRegion } from './regions.js';
import { PRICINGS, type Price, type Pricing } from './types.js';

export interface PriceFilter {
  provider?: string;
  /** `provider:type` or a bare type (`p4d.24xlarge`). */
  instance?: string;
  /** `provider:region` or a bare region (`us-east-1`). */
  region?: string;
  pricing?: Pricing | string;
}

let materialised: Price[] | undefined;

/** Every price as an object (built once from the compact table). */
function all(): Price[] {
  if (materialised) return materialised;
  const col = new Map(PRICES.columns.map((c, i) => [c, i]));
  const at = (row: readonly unknown[], name: string): unknown => row[col.get(name) ?? -1] ?? null;
  materialised = PRICES.rows.map((row) => {
    const instance = at(row, 'instance') as string;
    return {
      provider: instance.slice(0, instance.indexOf(':')) as Price['provider'],
      instance,
      region: at(row, 'region') as string,
      pricing: at(row, 'pricing') as Pricing,
      usdPerHour: at(row, 'usdPerHour') as number,
      observedAt: at(row, 'observedAt') as string,
      sourceId: at(row, 'sourceId') as string,
      quality: at(row, 'quality') as Price['quality'],
      spotMinUsdPerHour: at(row, 'spotMinUsdPerHour') as number | null,
      zones: at(row, 'zones') as number | null,
      note: at(row, 'note') as string | null,
    };
  });
  return materialised;
}

export function checkPricing(input: string): Pricing {
  const p = input.trim().toLowerCase();
  if ((PRICINGS as readonly string[]).includes(p)) return p as Pricing;
  throw new GreenmlError('INVALID_INPUT', `Unknown pricing "${input}".${didYouMean(input, PRICINGS)} Use one of ${PRICINGS.join(', ')}.`);
}

/** Prices matching the filter, sorted by instance, region and pricing. Unknown ids throw with suggestions. */
export function listPrices(filter: PriceFilter = {}): Price[] {
  const provider = filter.provider === undefined ? undefined : checkProvider(filter.provider);
  const instance = filter.instance === undefined ? undefined : findInstance(filter.instance).id;
  const region = filter.region === undefined ? undefined : findRegion(filter.region).id;
  const pricing = filter.pricing === undefined ? undefined : checkPricing(filter.pricing);
  return all()
    .filter(
      (p) =>
        (provider === undefined || p.provider === provider) &&
        (instance === undefined || p.instance === instance) &&
        (region === undefined || p.region === region) &&
        (pricing === undefined || p.pricing === pricing),
    )
    .map((p) => ({ ...p }));
}
