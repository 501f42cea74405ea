import express, { type RequestHandler } from 'express';
import { sendGraphQLError } from './graphql-error-response';

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/**
 * Parse `application/json` bodies up to `limitBytes`, answering in GraphQL's error shape:
 * - oversize body → 413 `PAYLOAD_TOO_LARGE` (with `limitBytes`), rejected from Content-Length before reading when declared;
 * - malformed JSON → 400 `BAD_REQUEST`;
 * - other client-side body faults (bad charset, aborted upload) → their 4xx status with `BAD_REQUEST`.
 * Requests without a JSON body pass through with `req.body` undefined, so the GraphQL server can say what is missing.
 * Mounting it twice on a route is harmless: the second one sees the body already read and passes.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes });
  return (req, res, next) => {
    parse(req, res, (failure?: unknown) => {
      if (failure === undefined) {
        next();
        return;
      }
      const { type, status, message } = failure as BodyParserError;
      if (type === 'entity.too.large') {
        sendGraphQLError(res, 413, `Request body exceeds the limit of ${limitBytes} bytes`, {
          code: 'PAYLOAD_TOO_LARGE',
          limitBytes,
        });
      } else if (type === 'entity.parse.failed') {
        sendGraphQLError(res, 400, 'Request body is not valid JSON', { code: 'BAD_REQUEST' });
      } else if (status !== undefined && status >= 400 && status < 500) {
        sendGraphQLError(res, status, message ?? 'Request body could not be read', { code: 'BAD_REQUEST' });
      } else {
        next(failure);
      }
    });
  };
}
