export * from './mongo-connection';
export * from './batch-results';
export * from './connection-pagination';
export * from './customer-scope-directory';
