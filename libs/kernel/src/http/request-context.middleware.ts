import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';

export const REQUEST_ID_HEADER = 'x-request-id';

// A caller's id is reused only when short and printable: it lands in every log line and in upstream headers.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:;=@/+-]{1,128}$/;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express exposes its request/locals types only through this global namespace.
  namespace Express {
    interface Request {
      /** Correlates every log line and upstream call of this request. */
      requestId: string;
      /** The request's pino child logger (carries `requestId`). */
      log: Logger;
    }
    interface Locals {
      requestId: string;
      logger: Logger;
    }
  }
}

/** Give every request an id (the caller's `x-request-id` when acceptable, else a UUID) and a child logger bound to it. */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get(REQUEST_ID_HEADER);
    const requestId = incoming !== undefined && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ requestId });
    req.requestId = requestId;
    req.log = log;
    res.locals.requestId = requestId;
    res.locals.logger = log;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    // The access log, at debug: headers included, credentials redacted by the logger.
    if (log.isLevelEnabled('debug')) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log.debug({ req: { method: req.method, url: req.originalUrl, headers: req.headers }, res: { statusCode: res.statusCode }, ms }, 'request completed');
      });
    }
    next();
  };
}
