/** Cost: instance time with provider billing granularity, electricity. */
export * from './billing.js';
export * from './cost.js';
