export * from './visibility-rules';
export * from './customer-scope-directory';
export * from './customer-scope.plugin';
export * from './customer-scoped-loaders';
export * from './read-denial';
