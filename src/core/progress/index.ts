/** @module core/progress: progress from tqdm bars and metrics files, run predictions and per-run guards. */
export * from './event.js';
export { createTqdmParser, toProgressEvent, type TqdmParser } from './tqdm.js';
export { parseTqdmLine, type TqdmLine } from './tqdm-line.js';
export * from './metrics-progress.js';
export * from './trace.js';
export * from './predict.js';
export * from './guard.js';
