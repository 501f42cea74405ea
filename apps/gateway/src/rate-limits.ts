import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { isPartner, type Caller } from '@crm/auth';
import { GraphQLError } from 'graphql';
import { Counter, type Registry } from 'prom-client';
import { z } from 'zod';

/** One caller class's budget per minute: requests, and estimated query cost (see query-cost.ts). */
export const rateLimitSchema = z.object({
  requestsPerMinute: z.number().int().positive(),
  /** Requests that may arrive back to back on a full bucket. */
  requestBurst: z.number().int().positive(),
  costPerMinute: z.number().int().positive(),
  costBurst: z.number().int().positive(),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

/** Limits by caller class: `partner`, any staff role by name, and `default` for the other staff callers. */
export const rateLimitsSchema = z.object({ partner: rateLimitSchema, default: rateLimitSchema }).catchall(rateLimitSchema);
export type RateLimits = z.infer<typeof rateLimitsSchema>;

export const DEFAULT_RATE_LIMITS: RateLimits = {
  partner: { requestsPerMinute: 600, requestBurst: 120, costPerMinute: 300_000, costBurst: 60_000 },
  default: { requestsPerMinute: 6_000, requestBurst: 600, costPerMinute: 3_000_000, costBurst: 600_000 },
};

export const RATE_LIMITED = 'RATE_LIMITED';

/**
 * A token bucket: `capacity` tokens, refilled continuously at `perMinute`. Taking more than are left is refused with
 * the time until enough have come back. Buckets start full.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly perMinute: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  take(amount: number, now: number): { ok: boolean; remaining: number; retryAfterMs: number; fullInMs: number } {
    this.refill(now);
    const ok = amount <= this.tokens;
    if (ok) this.tokens -= amount;
    const missing = ok ? 0 : Math.min(amount, this.capacity) - this.tokens;
    return { ok, remaining: Math.floor(this.tokens), retryAfterMs: this.msFor(missing), fullInMs: this.msFor(this.capacity - this.tokens) };
  }

  /** Whether the bucket has refilled to capacity, i.e. is the same as a fresh one (and can be forgotten). */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.perMinute) / 60_000);
    this.updatedAt = now;
  }

  private msFor(tokens: number): number {
    return tokens <= 0 ? 0 : Math.ceil((tokens * 60_000) / this.perMinute);
  }
}

/** Whose budget a request spends: a partner organisation's (all its users together), else the staff member's. */
export function rateLimitKey(caller: Caller): string {
  return isPartner(caller) && caller.partnerId ? `partner:${caller.partnerId}` : `user:${caller.userId}`;
}

/** The caller's class: `partner`; else its most generous configured role; else `default`. */
export function rateLimitClass(caller: Caller, limits: RateLimits): string {
  if (isPartner(caller)) return 'partner';
  const configured = caller.roles.filter((role) => role !== 'partner' && role in limits);
  return configured.sort((a, b) => limits[b].requestsPerMinute - limits[a].requestsPerMinute)[0] ?? 'default';
}

export interface RateLimiterOptions {
  limits: RateLimits;
  /** Gateway replicas sharing the traffic: each enforces its share of every limit (1/replicas). */
  replicas: number;
  registry: Registry;
  now?: () => number;
}

export type RateLimitOutcome = ReturnType<TokenBucket['take']> & { limit: number; kind: 'requests' | 'cost' };

/**
 * Per-identity budgets at the gateway, in requests and in query cost. State is per replica: with N replicas behind a
 * balancer each holds 1/N of every budget (RATE_LIMIT_REPLICAS), so a caller's whole budget is the configured one
 * without a shared store on the request path (ADR 0017).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly limited: Counter<'class' | 'limit'>;
  private readonly now: () => number;
  private takes = 0;

  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? Date.now;
    this.limited = new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Requests refused with 429 by caller class and the limit they hit',
      labelNames: ['class', 'limit'],
      registers: [options.registry],
    });
  }

  /** Spend one request of the caller's budget; throws RATE_LIMITED (HTTP 429) when it is spent. */
  takeRequest(caller: Caller): RateLimitOutcome {
    return this.take(caller, 'requests', 1);
  }

  /** Spend an operation's estimated cost; throws RATE_LIMITED when the cost budget cannot cover it. */
  takeCost(caller: Caller, cost: number): RateLimitOutcome {
    return this.take(caller, 'cost', cost);
  }

  private take(caller: Caller, kind: 'requests' | 'cost', amount: number): RateLimitOutcome {
    const limitClass = rateLimitClass(caller, this.options.limits);
    const limit = this.options.limits[limitClass];
    const share = (value: number) => Math.max(1, Math.floor(value / this.options.replicas));
    const perMinute = share(kind === 'requests' ? limit.requestsPerMinute : limit.costPerMinute);
    const capacity = share(kind === 'requests' ? limit.requestBurst : limit.costBurst);
    const key = `${kind}|${rateLimitKey(caller)}`;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(capacity, perMinute, now);
      this.buckets.set(key, bucket);
    }
    const outcome = { ...bucket.take(amount, now), limit: capacity, kind };
    if (++this.takes % 1000 === 0) this.forgetFullBuckets(now);
    if (!outcome.ok) {
      this.limited.inc({ class: limitClass, limit: kind });
      throw rateLimited(outcome);
    }
    return outcome;
  }

  private forgetFullBuckets(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}

/** RateLimit-* headers (IETF draft, the widely used three-header form) for the budget an outcome reports. */
export function rateLimitHeaders(outcome: RateLimitOutcome): [string, string][] {
  return [
    ['ratelimit-limit', String(outcome.limit)],
    ['ratelimit-remaining', String(outcome.remaining)],
    ['ratelimit-reset', String(Math.ceil(outcome.fullInMs / 1000))],
  ];
}

function rateLimited(outcome: RateLimitOutcome): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));
  const headers = new HeaderMap([['retry-after', String(retryAfter)], ...rateLimitHeaders(outcome)]);
  return new GraphQLError(`Rate limit reached (${outcome.kind}); retry after ${retryAfter} s`, {
    extensions: { code: RATE_LIMITED, limit: outcome.kind, retryAfterSeconds: retryAfter, http: { status: 429, headers } },
  });
}

/** Reports the request budget left on every answer (the request was counted when the caller was authenticated). */
export function rateLimitHeadersPlugin<TContext extends { rateLimit?: RateLimitOutcome }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (!contextValue.rateLimit) return;
          for (const [name, value] of rateLimitHeaders(contextValue.rateLimit)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
