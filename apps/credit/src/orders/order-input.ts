import { customerIdSchema } from '@crm/contracts';
import { dateTimeInput, idempotencyKeyInput } from '@crm/kernel';
import { z } from 'zod';
import { currencyCode, minorUnits } from '../money/money';

const note = z.string().trim().min(1, 'must say why').max(1000);
const orderId = z.string().regex(/^[0-9a-f]{24}$/i, 'is not a valid id');

export const orderLineInput = z.object({
  product: z.string().trim().min(1, 'must name the product').max(100),
  quantity: z.number().int().positive('must be at least 1').max(1_000_000),
  unitPriceMinor: minorUnits.nonnegative('cannot be negative'),
});

/** placeOrder's input: region and consultant come from the customer's scope, never from here. */
export const placeOrderInput = z.object({
  customerId: customerIdSchema,
  lines: z.array(orderLineInput).min(1, 'an order has at least one line').max(100),
  currency: currencyCode.nullish().transform((v) => v ?? 'CNY'),
  eventId: z.string().trim().min(1).max(64).nullish().transform((v) => v ?? null),
  orderedAt: dateTimeInput.nullish().transform((v) => v ?? null),
  idempotencyKey: idempotencyKeyInput,
});
export type PlaceOrderInput = z.infer<typeof placeOrderInput>;

export const decideOrderInput = z.object({ id: orderId, note });
export const recheckOrderInput = z.object({ id: orderId });
export const deliverOrderInput = z.object({ id: orderId, deliveredAt: dateTimeInput.nullish().transform((v) => v ?? null) });
export const cancelOrderInput = z.object({ id: orderId, note });
