export * from './servers/free-port';
export * from './servers/local-servers';
export * from './servers/resolve-servers';
export * from './servers/repo-root';
export * from './service-harness';
export * from './stream-events';
export * from './eventually';
export * from './accounts-events';
