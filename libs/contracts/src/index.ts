export * from './event-contract';
export * from './entity-keys';
export * from './events/accounts.events';
export * from './events/accounts-access.events';
export * from './events/engagement.events';
export * from './events/service-desk.events';
export * from './events/surveys.events';
export * from './events/credit.events';
