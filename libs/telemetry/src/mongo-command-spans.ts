import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';

/** The fields of the MongoDB driver's command monitoring events read here (the driver emits them with `monitorCommands`). */
interface CommandEvent {
  requestId: number;
  commandName: string;
  address: string;
}
interface CommandStarted extends CommandEvent {
  databaseName: string;
  command: Record<string, unknown>;
}
interface CommandFailed extends CommandEvent {
  failure: Error;
}

/** A MongoClient, as far as command monitoring goes. */
export interface CommandMonitor {
  on(event: 'commandStarted', listener: (event: CommandStarted) => void): unknown;
  on(event: 'commandSucceeded', listener: (event: CommandEvent) => void): unknown;
  on(event: 'commandFailed', listener: (event: CommandFailed) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

/** Spans at most open at once; a command whose end never came (a dropped connection) must not hold memory forever. */
const MAX_OPEN_COMMANDS = 10_000;

/**
 * A client span for every command a traced piece of work sends (a request, an event being processed), as a child of
 * the span active when the driver started it. Commands outside any trace (the relay's poll, heartbeats, index
 * builds) get none: a root span per poll would bury the traces worth reading. The command's text is not recorded,
 * since filters carry customers' data. Returns the undo.
 */
export function traceMongoCommands(client: CommandMonitor, tracer: Tracer): () => void {
  const open = new Map<string, Span>();
  const key = (event: CommandEvent) => `${event.address}#${event.requestId}`;

  const started = (event: CommandStarted) => {
    const parent = context.active();
    if (!trace.getSpan(parent) || open.size >= MAX_OPEN_COMMANDS) return;
    const collection = event.command[event.commandName];
    const [host, port] = splitAddress(event.address);
    const span = tracer.startSpan(
      typeof collection === 'string' ? `${event.commandName} ${collection}` : event.commandName,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_DB_SYSTEM_NAME]: 'mongodb',
          [ATTR_DB_NAMESPACE]: event.databaseName,
          [ATTR_DB_OPERATION_NAME]: event.commandName,
          ...(typeof collection === 'string' && { [ATTR_DB_COLLECTION_NAME]: collection }),
          [ATTR_SERVER_ADDRESS]: host,
          ...(port !== undefined && { [ATTR_SERVER_PORT]: port }),
        },
      },
      parent,
    );
    open.set(key(event), span);
  };
  const succeeded = (event: CommandEvent) => {
    open.get(key(event))?.end();
    open.delete(key(event));
  };
  const failed = (event: CommandFailed) => {
    const span = open.get(key(event));
    if (!span) return;
    span.recordException(event.failure);
    span.setStatus({ code: SpanStatusCode.ERROR, message: event.failure.message });
    span.end();
    open.delete(key(event));
  };
  client.on('commandStarted', started);
  client.on('commandSucceeded', succeeded);
  client.on('commandFailed', failed);
  return () => {
    client.off('commandStarted', started);
    client.off('commandSucceeded', succeeded);
    client.off('commandFailed', failed);
    for (const span of open.values()) span.end();
    open.clear();
  };
}

function splitAddress(address: string): [string, number | undefined] {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  return at > 0 && Number.isInteger(port) ? [address.slice(0, at).replace(/^\[|\]$/g, ''), port] : [address, undefined];
}
