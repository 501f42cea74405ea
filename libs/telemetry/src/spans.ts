import { SpanStatusCode, type Attributes, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';

/** Run `work` in a new active span that ends with it; a throw marks the span failed and is rethrown. */
export async function withSpan<T>(tracer: Tracer, name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Record an error on a span and mark it failed (for work that catches its own errors, e.g. to retry). */
export function markFailed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

// The messaging conventions are still incubating in @opentelemetry/semantic-conventions (not to be imported by
// libraries), so their names are written out here.
export const MESSAGING_SYSTEM = 'messaging.system';
export const MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';

/** The attributes of a NATS publish or process span of one event. */
export function messagingAttributes(operation: 'send' | 'process', event: { type: string; id: string }, durable?: string): Attributes {
  return {
    [MESSAGING_SYSTEM]: 'nats',
    [MESSAGING_OPERATION_TYPE]: operation,
    [MESSAGING_DESTINATION_NAME]: event.type,
    [MESSAGING_MESSAGE_ID]: event.id,
    ...(durable && { [MESSAGING_CONSUMER_GROUP_NAME]: durable }),
  };
}
