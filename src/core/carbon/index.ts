/** Carbon: operational (time-resolved) emissions, embodied shares, SCI, energy-mix intensity. */
export * from './operational.js';
export * from './embodied.js';
export * from './sci.js';
export * from './mix.js';
