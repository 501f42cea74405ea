import { BadUserInputError, mutationPayload, requireCaller } from '@crm/kernel';
import { isValidCalendarDay } from '@crm/working-calendar';
import type { Resolvers } from '../generated/graphql';
import type { CalendarService } from './calendar.service';

export function calendarResolvers(calendar: CalendarService): Resolvers {
  return {
    Query: {
      workingCalendar: async (_, __, ctx) => {
        requireCaller(ctx);
        return calendar.calendar();
      },
      onCallRoster: (_, { from, to }, ctx) => calendar.roster(requireCaller(ctx), from, to),
    },
    Mutation: {
      setCalendarDay: (_, { input }, ctx) => mutationPayload('calendarDay', () => calendar.setDay(requireCaller(ctx), input)),
      removeCalendarDay: (_, { input }, ctx) => mutationPayload('removed', () => calendar.removeDay(requireCaller(ctx), input)),
      assignOnCall: (_, { input }, ctx) => mutationPayload('onCallShift', () => calendar.assignOnCall(requireCaller(ctx), input)),
      removeOnCallShift: (_, { input }, ctx) => mutationPayload('removed', () => calendar.removeOnCall(requireCaller(ctx), input)),
    },
    WorkingCalendar: {
      // One calendar: a constant id, so a client cache holds it once.
      id: () => 'working-calendar',
      days: (_, { year }, ctx) => calendar.listDays(requireCaller(ctx), year),
      isWorkingDay: (working, { date }) => {
        if (!isValidCalendarDay(date)) throw new BadUserInputError('date', 'must be a YYYY-MM-DD date');
        return working.isWorkingDay(date);
      },
    },
    CalendarDay: {
      id: (day) => day._id,
      date: (day) => day._id,
    },
    OnCallShift: {
      id: (shift) => String(shift._id),
    },
  };
}
