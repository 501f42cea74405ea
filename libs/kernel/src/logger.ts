import pino, { type Logger } from 'pino';

/** Structured JSON logs; one child per plugin and per request. */
export function createLogger(service: string, level: string): Logger {
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };
