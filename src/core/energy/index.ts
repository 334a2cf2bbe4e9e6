/** Energy models: CPU power curves, RAPL counters, integration, attribution, memory, GPU, PUE, CCF usage estimators. */
export * from './cpu-models.js';
export * from './rapl.js';
export * from './integrate.js';
export * from './attribution.js';
export * from './memory.js';
export * from './gpu.js';
export * from './pue.js';
export * from './ccf.js';
export * from './predict.js';
export { clampUnit } from './validate.js';
