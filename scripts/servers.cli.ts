// `npm run servers`: only the backing servers (NATS with JetStream and the MongoDB-wire server, data under .data/),
// for running services one by one with `npx nx serve <app>`. Ctrl-C stops them.
import { DEV_JWT_SECRET } from '@crm/auth';
import { repoRoot, resolveServers } from '@crm/testing';
import path from 'node:path';

async function main(): Promise<void> {
  const servers = await resolveServers({
    dataDir: path.join(repoRoot(), '.data'),
    mongoPort: Number(process.env.MONGO_DEV_PORT ?? 27017),
    natsPort: Number(process.env.NATS_DEV_PORT ?? 4222),
  });
  console.log(`servers (${servers.source}) are up. In another terminal, for example:
  export MONGO_URL=${servers.mongoUrl} NATS_URL=${servers.natsUrl} JWT_SECRET=${process.env.JWT_SECRET ?? DEV_JWT_SECRET}
  PORT=4001 npx nx serve accounts
  PORT=4000 npx nx serve gateway`);
  const stop = () => void servers.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
