// The dev servers are tooling of their own (npm start uses them too); tests keep finding them here.
export * from '@crm/dev-servers';
export * from './service-harness';
export * from './stream-events';
export * from './eventually';
export * from './accounts-events';
export * from './event-versions';
