import mongoose, { type Connection } from 'mongoose';

export interface MongoConnectionOptions {
  url: string;
  dbName: string;
  /** Emit commandStarted events (tests count queries with them). */
  monitorCommands?: boolean;
}

/** One connection per service (never the mongoose default), so several services can share a process. */
export async function connectMongo(options: MongoConnectionOptions): Promise<Connection> {
  const connection = mongoose.createConnection(options.url, {
    dbName: options.dbName,
    serverSelectionTimeoutMS: 5000,
    monitorCommands: options.monitorCommands ?? false,
    // Indexes are created explicitly at start (syncIndexes), not lazily per model.
    autoIndex: false,
  });
  try {
    await connection.asPromise();
  } catch (error) {
    // A connection that never came up still holds its monitor sockets and timers.
    await connection.close().catch(() => undefined);
    throw error;
  }
  return connection;
}

/** Readiness: the server answers a ping. */
export async function pingMongo(connection: Connection): Promise<boolean> {
  try {
    await connection.db?.admin().ping();
    return connection.readyState === 1;
  } catch {
    return false;
  }
}

/** `crm_<service>` unless overridden: each service owns its database. */
export function defaultDatabaseName(service: string): string {
  return `crm_${service.replace(/-/g, '_')}`;
}
