/**
 * Every figure says where it came from (shared/DESIGN.md, principle 1): a measured counter, sampled
 * power, a model, or a constant; and every constant or catalog value names its source, year and unit.
 */
export const METHODS = ['measured-counter', 'measured-sampled', 'modeled', 'constant'] as const;
export type Method = (typeof METHODS)[number];

/** Where a factor comes from: enough for a reader to find it again. */
export interface Source {
  /** Short citation, e.g. "Cloud Carbon Footprint, AwsFootprintEstimationConstants.ts". */
  source: string;
  /** Year the value describes or was published (data year when known). */
  year?: number;
  url?: string;
  /** ISO date the value was retrieved, for data that changes (prices, live intensity). */
  retrieved?: string;
}

/** A number with its unit and source, e.g. a PUE, an intensity, a price. */
export interface Factor extends Source {
  value: number;
  unit: string;
}

export const factor = (value: number, unit: string, src: Source): Factor => ({ value, unit, ...src });
