/** Schedule search: best contiguous window, interruptible plan, region choice, baseline forecast. Pure: time is an argument. */
export * from './types.js';
export { bestWindow, TIE_TOLERANCE } from './window.js';
export { interruptiblePlan, MAX_PROGRAMME_STATES } from './interruptible.js';
export { bestRegionWindow, type RegionSeries, type RegionOption, type RegionPlan } from './region.js';
export { baselineForecast, forecastError, BASELINE_FORECAST_DAYS, type BaselineForecastOptions, type ForecastError } from './forecast.js';
