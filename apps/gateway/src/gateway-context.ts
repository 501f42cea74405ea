import type { Caller } from '@crm/auth';
import type { Logger } from '@crm/kernel';

/** What the gateway knows about one request: who calls, and how to correlate its logs and upstream calls. */
export interface GatewayContext {
  caller: Caller;
  requestId: string;
  logger: Logger;
}
