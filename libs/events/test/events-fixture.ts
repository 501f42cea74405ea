import { defineEvent } from '@crm/contracts';
import { Schema, type Connection } from 'mongoose';
import { Registry } from 'prom-client';
import pino from 'pino';
import { z } from 'zod';
import { EventMetrics, outboxPlugin, type CloudEvent } from '../src';
import { connectMongo } from '@crm/data';
import { uniqueDatabaseName } from '@crm/testing';

/** A contract of the accounts stream used only by these tests (a distinct entity keeps them apart). */
export const probeHappenedV1 = defineEvent('accounts', 'crm.accounts.probe.happened', 'v1', z.object({ n: z.number().int() }));

export const silentLogger = pino({ level: 'silent' });
export const newMetrics = () => new EventMetrics(new Registry());

export interface ProbeRecord {
  _id: string;
  n: number;
  pendingEvents: CloudEvent[];
}

export async function probeDatabase(): Promise<Connection> {
  return connectMongo({ url: process.env.MONGO_URL!, dbName: uniqueDatabaseName('events') });
}

export function probeModel(connection: Connection) {
  const schema = new Schema<ProbeRecord>({ _id: String, n: Number }, { versionKey: false });
  schema.plugin(outboxPlugin);
  return connection.model<ProbeRecord>('Probe', schema, 'probes');
}
