import { z } from 'zod';
import {
  DEFAULT_WORKDAY_END,
  DEFAULT_WORKDAY_START,
  DEFAULT_WORKING_TIME_ZONE,
  WorkingCalendar,
  type WorkingCalendarConfig,
  isValidCalendarDay,
  isValidTimeOfDay,
  isValidTimeZone,
} from './working-calendar';

/** `2025-10-01,2025-10-02` → ['2025-10-01', '2025-10-02']; blanks and spaces are ignored. */
const calendarDayList = () =>
  z
    .string()
    .default('')
    .transform((raw) =>
      raw
        .split(',')
        .map((day) => day.trim())
        .filter((day) => day.length > 0),
    )
    .refine((days) => days.every(isValidCalendarDay), { message: 'must be comma-separated YYYY-MM-DD dates' });

const timeOfDay = (fallback: string) =>
  z.string().default(fallback).refine(isValidTimeOfDay, { message: 'must be HH:mm (00:00–23:59)' });

/** Env fields of the working calendar, to spread into a service's own config object. */
export const workingCalendarConfigFields = {
  WORKING_CALENDAR_TZ: z
    .string()
    .default(DEFAULT_WORKING_TIME_ZONE)
    .refine(isValidTimeZone, { message: 'must be an IANA time zone' })
    .describe('IANA time zone of the working calendar: working days, deadlines and the months, quarters and years of every report and KPI.'),
  WORKING_CALENDAR_HOLIDAYS: calendarDayList().describe('Holidays (YYYY-MM-DD, comma-separated) that are not working days; service-desk also keeps days edited through the graph.'),
  WORKING_CALENDAR_MAKEUP_DAYS: calendarDayList().describe('Weekend days (YYYY-MM-DD, comma-separated) worked to make up for a holiday.'),
  WORKDAY_START: timeOfDay(DEFAULT_WORKDAY_START).describe('Start of the working day (HH:mm), for working-minute SLA clocks.'),
  WORKDAY_END: timeOfDay(DEFAULT_WORKDAY_END).describe('End of the working day (HH:mm).'),
};

export type WorkingCalendarEnv = {
  WORKING_CALENDAR_TZ: string;
  WORKING_CALENDAR_HOLIDAYS: string[];
  WORKING_CALENDAR_MAKEUP_DAYS: string[];
  WORKDAY_START: string;
  WORKDAY_END: string;
};

/** Cross-field problems as `{ variable, message }`; empty when the values fit together. */
export function workingCalendarEnvProblems(config: WorkingCalendarEnv): { variable: keyof WorkingCalendarEnv; message: string }[] {
  const problems: { variable: keyof WorkingCalendarEnv; message: string }[] = [];
  if (config.WORKDAY_START >= config.WORKDAY_END) problems.push({ variable: 'WORKDAY_END', message: `must be after WORKDAY_START (${config.WORKDAY_START})` });
  const makeUp = new Set(config.WORKING_CALENDAR_MAKEUP_DAYS);
  const both = config.WORKING_CALENDAR_HOLIDAYS.filter((day) => makeUp.has(day));
  if (both.length > 0) problems.push({ variable: 'WORKING_CALENDAR_MAKEUP_DAYS', message: `days listed both as holiday and make-up workday: ${both.join(', ')}` });
  return problems;
}

/** Cross-field rules, reported on the variable to fix (like jwtKeySourceRule). */
export function checkWorkingCalendarEnv(config: WorkingCalendarEnv, ctx: z.RefinementCtx): void {
  for (const problem of workingCalendarEnvProblems(config)) ctx.addIssue({ code: 'custom', path: [problem.variable], message: problem.message });
}

/** The working-calendar env slice: `loadConfig(workingCalendarConfigSchema)`, or spread the fields into a bigger object. */
export const workingCalendarConfigSchema = z.object(workingCalendarConfigFields).superRefine(checkWorkingCalendarEnv);

export type WorkingCalendarEnvConfig = z.infer<typeof workingCalendarConfigSchema>;

/** Parsed env → the plain calendar config (e.g. to merge holidays kept in a database before building). */
export function workingCalendarConfigFromEnv(config: WorkingCalendarEnv): WorkingCalendarConfig {
  return {
    timeZone: config.WORKING_CALENDAR_TZ,
    holidays: config.WORKING_CALENDAR_HOLIDAYS,
    makeUpWorkdays: config.WORKING_CALENDAR_MAKEUP_DAYS,
    workdayStart: config.WORKDAY_START,
    workdayEnd: config.WORKDAY_END,
  };
}

export function workingCalendarFromEnv(config: WorkingCalendarEnv): WorkingCalendar {
  return new WorkingCalendar(workingCalendarConfigFromEnv(config));
}
