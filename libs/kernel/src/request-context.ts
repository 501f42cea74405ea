import type { Caller } from '@crm/auth';
import type { EventActor } from '@crm/events';
import type { Logger } from 'pino';
import { UnauthenticatedError } from './errors';
import type { LoaderRegistry } from './loaders';

/** What every resolver receives: the verified caller (or why there is none) and this request's loaders. */
export interface RequestContext {
  caller: Caller | null;
  /** Set when a token was sent but refused; reported instead of a generic message. */
  authError?: string;
  requestId: string;
  logger: Logger;
  loaders: LoaderRegistry;
}

export function requireCaller(context: RequestContext): Caller {
  if (!context.caller) throw new UnauthenticatedError(context.authError);
  return context.caller;
}

/** A `Viewer` entity reference: the caller themselves; another user's id resolves to nothing. */
export function viewerReference(ref: { id?: string | null }, context: RequestContext): Caller | null {
  const caller = requireCaller(context);
  return ref.id === caller.userId ? caller : null;
}

/**
 * A service's part of the `Viewer` entity (accounts owns it): the reference, the id, and one field per ability,
 * each answered by the rule function the service's own mutation applies.
 */
export function viewerResolvers<A extends Record<string, (caller: Caller) => boolean>>(abilities: A) {
  return {
    Viewer: {
      __resolveReference: (ref: { id?: string | null }, context: RequestContext) => viewerReference(ref, context),
      id: (caller: Caller) => caller.userId,
      ...(Object.fromEntries(Object.entries(abilities).map(([field, may]) => [field, (caller: Caller) => may(caller)])) as { [K in keyof A]: (caller: Caller) => boolean }),
    },
  };
}

export function actorOf(caller: Caller): EventActor {
  return { userId: caller.userId, roles: caller.roles };
}
