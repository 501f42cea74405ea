export * from './cloud-event';
export * from './event-bus';
export * from './event-metrics';
export * from './outbox';
export * from './processed-events';
export * from './consumer';
export * from './dead-letters';
