export * from './mongo-connection';
export * from './batch-results';
export * from './connection-pagination';
export * from './duplicate-key';
export * from './newer-wins-upsert';
export * from './idempotency';
