/**
 * Who did something, for every who-did-it field of the graph (`Actor`): a member of staff (resolved to the
 * accounts directory's `Consultant`) or the platform itself. Platform jobs act under a `system:` user id
 * (for example `system:sla-watch`).
 */
export type ActorKind = 'STAFF_MEMBER' | 'SYSTEM';

export interface ActorRecord {
  id: string;
  kind: ActorKind;
}

export const SYSTEM_ACTOR_PREFIX = 'system:';

/** The actor behind a stored user id; null when nobody is recorded. */
export function actorRef(userId: string | null | undefined): ActorRecord | null {
  if (!userId) return null;
  return { id: userId, kind: userId.startsWith(SYSTEM_ACTOR_PREFIX) || userId === 'system' ? 'SYSTEM' : 'STAFF_MEMBER' };
}

/** Like `actorRef`, for fields that always have one. */
export function requiredActorRef(userId: string): ActorRecord {
  return actorRef(userId) ?? { id: 'system', kind: 'SYSTEM' };
}

/** The kernel's resolvers for `Actor`, registered for every subgraph whose conventions declare it. */
export const actorResolvers = {
  Actor: {
    staffMember: (actor: ActorRecord) => (actor.kind === 'STAFF_MEMBER' ? { id: actor.id } : null),
  },
};
