import type { Caller } from '@crm/auth';
import type { Logger } from '@crm/kernel';
import type { RateLimitOutcome } from './rate-limits';

/** What the gateway knows about one request: who calls, and how to correlate its logs and upstream calls. */
export interface GatewayContext {
  caller: Caller;
  requestId: string;
  logger: Logger;
  /** The caller's request budget after this request (absent when rate limits are off). */
  rateLimit?: RateLimitOutcome;
}
