import { installTestSpanExporter, startTelemetry, withSpan } from '@crm/telemetry';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createLogger, redactCredentials, REDACTED } from './logger';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnbS0xIiwicm9sZXMiOlsiZ2VuZXJhbF9tYW5hZ2VyIl19.c2lnbmF0dXJlLXBhcnQ';

function capture(level = 'debug') {
  const lines: string[] = [];
  const logger = createLogger('test', level, { write: (line: string) => void lines.push(line) });
  return { logger, lines, text: () => lines.join('') };
}

describe('logger redaction', () => {
  it('replaces the authorization header and cookies of a logged request', () => {
    const { logger, lines } = capture();
    logger.debug({ req: { method: 'POST', headers: { authorization: `Bearer ${JWT}`, cookie: 'sid=abc', 'x-request-id': 'r1' } } }, 'request completed');
    const line = JSON.parse(lines[0]);
    expect(line.req.headers).toEqual({ authorization: REDACTED, cookie: REDACTED, 'x-request-id': 'r1' });
  });

  it('replaces tokens, passwords, secrets and graphql-ws connection params at the top level or one level down', () => {
    const { logger, text } = capture();
    logger.info({ token: JWT, JWT_SECRET: 'shh-its-a-secret', connectionParams: { authorization: `Bearer ${JWT}` }, caller: { password: 'p@ss' } }, 'connect');
    expect(text()).not.toContain(JWT);
    expect(text()).not.toContain('shh-its-a-secret');
    expect(text()).not.toContain('p@ss');
    expect(text()).toContain('"connect"');
  });

  it('scrubs bearer tokens and JWTs inside messages and error texts', () => {
    const { logger, lines } = capture();
    logger.warn(`refused Bearer ${JWT} from a client`);
    logger.error({ err: new Error(`verification failed for ${JWT}`) }, 'token check');
    expect(JSON.parse(lines[0]).msg).toBe(`refused Bearer ${REDACTED} from a client`);
    const error = JSON.parse(lines[1]).err;
    expect(error.message).toBe(`verification failed for ${REDACTED}`);
    expect(error.stack).not.toContain(JWT);
  });

  it('leaves ordinary text alone', () => {
    expect(redactCredentials('customer C-1 eyes the offer; Bearer-less text')).toBe('customer C-1 eyes the offer; Bearer-less text');
    expect(redactCredentials('Authorization: Bearer abc.def')).toBe(`Authorization: Bearer ${REDACTED}`);
  });
});

describe('logger and traces', () => {
  it('names the trace and span of the traced work a line is written in, and none outside it', async () => {
    const uninstall = installTestSpanExporter(new InMemorySpanExporter());
    const telemetry = startTelemetry('test', {});
    try {
      const { logger, lines } = capture();
      logger.info('before');
      const ids = await withSpan(telemetry.tracer, 'work', {}, async (span) => {
        await new Promise((resolve) => setImmediate(resolve));
        logger.child({ part: 'x' }).info('inside');
        return span.spanContext();
      });
      logger.info('after');
      const [before, inside, after] = lines.map((line) => JSON.parse(line));
      expect(inside).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId });
      expect(before).not.toHaveProperty('trace_id');
      expect(after).not.toHaveProperty('trace_id');
    } finally {
      await telemetry.shutdown();
      uninstall();
    }
  });
});
