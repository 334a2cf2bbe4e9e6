/** @module core/budget: AWS-Budgets-like energy, carbon and cost budgets: validation, periods, evaluation, forecasts. */
export * from './types.js';
export * from './period.js';
export * from './validate.js';
export * from './evaluate.js';
export * from './forecast.js';
