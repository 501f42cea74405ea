import { z } from 'zod';

/** Entity keys shared across subgraphs: ids are opaque strings (Mongo ObjectId hex for accounts' entities). */
export const customerIdSchema = z.string().regex(/^[0-9a-f]{24}$/, 'must be a customer id');
export const consultantIdSchema = z.string().min(1).max(64);
export const departmentIdSchema = z.string().min(1).max(64);

/** Actor recorded on every event: who caused it. */
export const actorSchema = z.object({ userId: z.string(), roles: z.array(z.string()) });
