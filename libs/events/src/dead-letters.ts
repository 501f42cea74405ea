import { headers as natsHeaders, type StoredMsg } from 'nats';
import { deadLetterStream } from '@crm/contracts';
import { deadLetterHeaders } from './consumer';
import { isJetStreamError, JetStreamErrorCode, type EventBus } from './event-bus';

export interface DeadLetter {
  sequence: number;
  subject: string;
  originalSubject: string;
  consumer: string;
  error: string;
  deliveries: number;
  failedAt: string;
  eventId?: string;
  payload: string;
}

function toDeadLetter(msg: StoredMsg): DeadLetter {
  const payload = Buffer.from(msg.data).toString('utf8');
  let eventId: string | undefined;
  try {
    eventId = JSON.parse(payload).id;
  } catch {
    eventId = undefined;
  }
  const h = msg.header;
  return {
    sequence: msg.seq,
    subject: msg.subject,
    originalSubject: h.get(deadLetterHeaders.subject),
    consumer: h.get(deadLetterHeaders.consumer),
    error: h.get(deadLetterHeaders.error),
    deliveries: Number(h.get(deadLetterHeaders.deliveries)),
    failedAt: h.get(deadLetterHeaders.failedAt),
    eventId,
    payload,
  };
}

/** Dead letters, oldest first; `subjectFilter` narrows to one service (`deadletter.accounts.>`) or durable. */
export async function listDeadLetters(bus: EventBus, subjectFilter = 'deadletter.>', limit = 100): Promise<DeadLetter[]> {
  let info;
  try {
    info = await bus.jsm.streams.info(deadLetterStream.name);
  } catch (error) {
    // No consumer has dead-lettered anything yet.
    if (isJetStreamError(error, JetStreamErrorCode.streamNotFound)) return [];
    throw error;
  }
  const letters: DeadLetter[] = [];
  let seq = info.state.first_seq;
  while (letters.length < limit && seq <= info.state.last_seq && info.state.messages > 0) {
    try {
      const msg = await bus.jsm.streams.getMessage(deadLetterStream.name, { seq });
      if (matchesSubject(msg.subject, subjectFilter)) letters.push(toDeadLetter(msg));
    } catch (error) {
      // Deleted after a replay: sequences have gaps.
      if (!isJetStreamError(error, JetStreamErrorCode.noMessageFound)) throw error;
    }
    seq += 1;
  }
  return letters;
}

export async function inspectDeadLetter(bus: EventBus, sequence: number): Promise<DeadLetter> {
  return toDeadLetter(await bus.jsm.streams.getMessage(deadLetterStream.name, { seq: sequence }));
}

/**
 * Publish the event again on its original subject and remove the dead letter. Consumers that already
 * handled it skip it (idempotency); the one that failed gets a fresh set of deliveries.
 */
export async function replayDeadLetter(bus: EventBus, sequence: number): Promise<DeadLetter> {
  const letter = await inspectDeadLetter(bus, sequence);
  const h = natsHeaders();
  h.set('Crm-Replayed-From', String(sequence));
  await bus.js.publish(letter.originalSubject, Buffer.from(letter.payload), { headers: h, msgID: `replay:${sequence}:${letter.eventId ?? ''}` });
  await bus.jsm.streams.deleteMessage(deadLetterStream.name, sequence);
  return letter;
}

function matchesSubject(subject: string, filter: string): boolean {
  const s = subject.split('.');
  const f = filter.split('.');
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === '>') return s.length > i;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return s.length === f.length;
}
