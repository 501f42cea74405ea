export * from './working-calendar';
export * from './working-calendar.config';
