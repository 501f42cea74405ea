import { dateTimeInput } from '@crm/kernel';
import { z } from 'zod';
import { optionalText, pageSize, requiredText } from '../common/text-input';

export const saveMinutesDraftInput = z.object({
  id: z.string(),
  text: requiredText(20_000),
  attendees: z.array(requiredText(200)).max(50, 'at most 50 attendees').nullish().transform((v) => v ?? []),
});
export const submitMinutesInput = z.object({ id: z.string() });
export const approveMinutesInput = z.object({ id: z.string(), remark: optionalText(2000) });
export const sendBackMinutesInput = z.object({ id: z.string(), remark: requiredText(2000) });
export const recordMinutesConfirmationInput = z.object({ id: z.string(), confirmedByName: requiredText(200), confirmedAt: dateTimeInput });

export const MAX_MINUTES_PAGE = 100;
export const minutesPageSize = pageSize(MAX_MINUTES_PAGE);
