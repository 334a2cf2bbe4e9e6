/** Planning: rank instance x region x pricing options for a workload on cost, carbon and time. */
export * from './types.js';
export * from './defaults.js';
export { acceleratorHoursWorkload, boardRate, boardRateValue, cpuWorkload, measuredPowerUtilization, powerUtilizationAtMfu, trainingWorkload } from './workload.js';
export type { AcceleratorHoursInput, TrainingInput } from './workload.js';
export { paretoFront, type Objectives } from './pareto.js';
export { matchesChoice, optionId, parseChoice } from './ids.js';
export { planOffers, resolvePlanSettings } from './plan.js';
