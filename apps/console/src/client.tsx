// The dashboard's Apollo Client: queries and mutations over HTTP, the complaint subscription over graphql-ws,
// both with the viewer's bearer token. Where the gateway is comes from the console server's /config.json.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';

export interface ConsoleConfig {
  graphqlUrl: string;
  wsUrl: string;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json');
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}

/**
 * The token to use: `?token=` in the address (taken out of it at once, kept for this tab), else the one signed in
 * with earlier in this tab.
 */
export function readToken(key: string): string | null {
  const url = new URL(window.location.href);
  const given = url.searchParams.get('token');
  if (given) {
    sessionStorage.setItem(key, given);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url);
  }
  return sessionStorage.getItem(key);
}

export function createApolloClient(config: ConsoleConfig, token: string): ApolloClient {
  const authorization = `Bearer ${token}`;
  const http = new HttpLink({ uri: config.graphqlUrl, headers: { authorization } });
  const ws = new GraphQLWsLink(createClient({ url: config.wsUrl, connectionParams: { authorization } }));
  return new ApolloClient({
    link: ApolloLink.split((operation) => operation.operationType === 'subscription', ws, http),
    cache: new InMemoryCache(),
  });
}
