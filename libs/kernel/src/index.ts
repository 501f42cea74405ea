export * from './clock';
export * from './config';
export * from './errors';
export * from './logger';
export * from './loaders';
export * from './plugin';
export * from './request-context';
export * from './schema-files';
export * from './service';
export * from './run-service';
export * from './http';
export * from './input';
export * from './payload';
export * from './selection';
export * from './actor';

export * from './scalars';
export * from './service-version';
