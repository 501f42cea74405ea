export * from './telemetry';
export * from './propagation';
export * from './mongo-command-spans';
export * from './spans';
