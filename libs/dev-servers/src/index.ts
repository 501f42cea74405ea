export * from './free-port';
export * from './local-servers';
export * from './docker-servers';
export * from './resolve-servers';
export * from './repo-root';
