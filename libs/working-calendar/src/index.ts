export * from './working-calendar';
export * from './working-calendar.config';
export * from './calendar-days';
export * from './working-calendar.plugin';
export * from './report-period';
export * from './day-math';
