import { ConfigError, pluginToken } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { workingCalendarConfigFields, workingCalendarConfigFromEnv, workingCalendarEnvProblems } from '@crm/working-calendar';
import { z } from 'zod';
import { calendarDayModel } from './calendar-day.model';
import { calendarResolvers } from './calendar.resolvers';
import { CalendarService } from './calendar.service';
import { onCallShiftModel } from './on-call-shift.model';

export const calendarToken = pluginToken<CalendarService>('service-desk.calendar');

/** The working calendar SLA clocks count in: holidays, make-up workdays and the holiday on-call roster. */
export const calendarPlugin = definePlugin({
  name: 'calendar',
  provides: [calendarToken],
  sdl: ['calendar.graphql'],
  config: z.object(workingCalendarConfigFields),
  register({ connection, config, clock, provide }) {
    const problems = workingCalendarEnvProblems(config);
    if (problems.length > 0) throw new ConfigError(problems.map((p) => `${p.variable}: ${p.message}`));
    const Day = calendarDayModel(connection);
    const Shift = onCallShiftModel(connection);
    const calendar = new CalendarService(Day, Shift, workingCalendarConfigFromEnv(config), clock);
    provide(calendarToken, calendar);
    return { resolvers: calendarResolvers(calendar), models: [Day, Shift] };
  },
});
