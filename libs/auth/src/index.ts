export * from './caller';
export * from './token-verifier';
export * from './dev-token';
export * from './staff-figures';
export * from './repository-secrets';
