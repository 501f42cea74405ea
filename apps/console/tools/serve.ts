// `npx nx serve console`: the console against a gateway that is already running (GATEWAY_URL, default
// http://127.0.0.1:4000/graphql); the gateway must allow this origin (CORS_ORIGINS). `npm start` does both itself.
import { CONSOLE_DEFAULT_PORT, startConsoleServer } from './console-server';

const port = Number(process.env.CONSOLE_PORT ?? CONSOLE_DEFAULT_PORT);
startConsoleServer({ graphqlUrl: process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql', port }).then(
  (server) => console.log(`console: ${server.url}/ (partner-portal example: ${server.url}/partner.html)`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
