export * from './errors.js';
export * from './events.js';
export * from './ids.js';
export * from './inputs.js';
export * from './limits.js';
export * from './models.js';
export * from './outputs.js';
export * from './stream.js';
