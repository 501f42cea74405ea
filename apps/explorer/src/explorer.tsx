// The gateway's GraphQL explorer: GraphiQL served by the gateway itself at GET /graphql, so queries and the
// complaint subscription go to the same origin as the page, through the same auth, limits and introspection policy
// as any client. The caller's dev token is pasted in the bar above the editors; it is kept for this tab only
// (sessionStorage), and GraphiQL's headers editor is not persisted either.
import 'graphiql/style.css';
import './explorer.css';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';

// Monaco runs its language services in web workers; they are bundled next to this file (tools/build.ts), never
// fetched from a CDN. Set before the first editor is created.
const WORKERS: Record<string, string> = { json: 'json.worker.js', graphql: 'graphql.worker.js' };
(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker: (_workerId: string, label: string) => new Worker(`/explorer/workers/${WORKERS[label] ?? 'editor.worker.js'}`),
};

const TOKEN_KEY = 'crm-explorer-token';
const graphqlUrl = `${window.location.origin}/graphql`;
const subscriptionUrl = `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}/graphql`;

const DEFAULT_QUERY = `# 1. Paste a dev token in the bar above: npm start prints
#    one per demo user, npm run dev-token makes more.
# 2. Run (Ctrl-Enter). A subscription goes over graphql-ws
#    with the same token, e.g.
#    subscription { complaintEvents { type ticket { matter } } }
query Viewer {
  viewer { id name roles departmentId partnerId }
}
`;

/** "Bearer …" from what was pasted: the bare token, or the whole header value. */
function authorizationFor(pasted: string): string | undefined {
  const token = pasted.trim().replace(/^authorization:\s*/i, '').replace(/^bearer\s+/i, '');
  return token ? `Bearer ${token}` : undefined;
}

/**
 * HTTP for queries and mutations, graphql-ws for subscriptions, both with the pasted token: as the Authorization
 * header over HTTP and as `connectionParams.authorization` at the socket's connection_init (what the gateway reads).
 * A header typed in GraphiQL's headers editor wins over the pasted token.
 */
function explorerFetcher(authorization: string | undefined): Fetcher {
  const fetcher = createGraphiQLFetcher({ url: graphqlUrl, subscriptionUrl, enableIncrementalDelivery: false });
  return (params, options) => {
    const headers = { ...(authorization && { authorization }), ...options?.headers };
    return fetcher(params, { ...options, headers });
  };
}

function Explorer() {
  // What the box holds, and the token in use: taken on paste or Enter, not on every keystroke (each change of token
  // makes GraphiQL fetch the schema again, and a half-typed token would only be refused).
  const [typed, setTyped] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [token, setToken] = useState(typed);
  const authorization = authorizationFor(token);
  // A new fetcher makes GraphiQL introspect again: the docs and completion follow the token's role.
  const fetcher = useMemo(() => explorerFetcher(authorization), [authorization]);
  const applyToken = (value: string) => {
    setTyped(value);
    setToken(value);
    if (value.trim()) sessionStorage.setItem(TOKEN_KEY, value.trim());
    else sessionStorage.removeItem(TOKEN_KEY);
  };
  return (
    <div className="explorer">
      <form
        className="explorer-token"
        onSubmit={(event) => {
          event.preventDefault();
          applyToken(typed);
        }}
      >
        <label htmlFor="explorer-token">Dev token</label>
        <input
          id="explorer-token"
          name="token"
          autoComplete="off"
          spellCheck={false}
          placeholder="paste a token: npm start prints one per demo user, npm run dev-token -- --role … makes more"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          onPaste={(event) => {
            event.preventDefault();
            applyToken(event.clipboardData.getData('text/plain'));
          }}
        />
        <button type="submit">Use token</button>
        <span className="explorer-token-state" data-signed-in={authorization ? 'true' : 'false'}>
          {authorization ? 'sent as Authorization: Bearer …' : 'no token: every request is refused (UNAUTHENTICATED)'}
        </span>
      </form>
      <div className="explorer-graphiql">
        {/* schema null: no introspection until there is a token to send (it would only be refused). */}
        <GraphiQL fetcher={fetcher} schema={authorization ? undefined : null} defaultQuery={DEFAULT_QUERY} shouldPersistHeaders={false} />
      </div>
    </div>
  );
}

createRoot(document.getElementById('explorer')!).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
