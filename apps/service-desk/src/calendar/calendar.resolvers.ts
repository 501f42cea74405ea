import { BadUserInputError, requireCaller } from '@crm/kernel';
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
      setCalendarDay: (_, { input }, ctx) => calendar.setDay(requireCaller(ctx), input),
      removeCalendarDay: (_, { date }, ctx) => calendar.removeDay(requireCaller(ctx), date),
      assignOnCall: (_, { input }, ctx) => calendar.assignOnCall(requireCaller(ctx), input),
      removeOnCallShift: (_, { id }, ctx) => calendar.removeOnCall(requireCaller(ctx), id),
    },
    WorkingCalendar: {
      days: (_, { year }, ctx) => calendar.listDays(requireCaller(ctx), year),
      isWorkingDay: (working, { date }) => {
        if (!isValidCalendarDay(date)) throw new BadUserInputError('date', 'must be a YYYY-MM-DD date');
        return working.isWorkingDay(date);
      },
    },
    CalendarDay: {
      date: (day) => day._id,
    },
    OnCallShift: {
      id: (shift) => String(shift._id),
    },
  };
}
