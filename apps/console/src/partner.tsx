// Partner-portal example: a partner's own page on the CRM graph with Apollo Client. Sign in with the partner's
// token, list the customers linked to the partner (the gateway shows a partner no others), five at a time, each
// with its open service tickets. Copy this file: it needs only @apollo/client, react and the gateway's URL.
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider, useQuery } from '@apollo/client/react';
import { relayStylePagination } from '@apollo/client/utilities';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import source from './operations/partner-customers.graphql';

const PARTNER_CUSTOMERS = gql(source);
const PAGE = 5;

interface Ticket {
  id: string;
  type: string;
  severity: string;
  status: string;
  matter: string;
  openedAt: string;
}
interface Customers {
  customers: { totalCount: number; edges: { node: { id: string; name: string; tickets: Ticket[] | null } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

function partnerClient(graphqlUrl: string, token: string) {
  return new ApolloClient({
    link: new HttpLink({ uri: graphqlUrl, headers: { authorization: `Bearer ${token}` } }),
    // Pages are appended to one list; a new filter or sort starts a new one.
    cache: new InMemoryCache({ typePolicies: { Query: { fields: { customers: relayStylePagination(['filter', 'sort']) } } } }),
  });
}

function CustomerList() {
  const { data, loading, error, fetchMore } = useQuery<Customers>(PARTNER_CUSTOMERS, { variables: { first: PAGE } });
  if (error) return <p className="error">{error.message}</p>;
  if (!data) return <p className="loading">loading…</p>;
  const { edges, pageInfo, totalCount } = data.customers;
  return (
    <section>
      <h2>
        Your customers: {edges.length} of {totalCount}
      </h2>
      <table>
        <thead>
          <tr>
            <th>customer</th>
            <th>open service tickets</th>
          </tr>
        </thead>
        <tbody>
          {edges.map(({ node }) => {
            const open = (node.tickets ?? []).filter((t) => t.status !== 'CLOSED');
            return (
              <tr key={node.id} data-customer={node.id}>
                <td>{node.name}</td>
                <td>
                  {open.length === 0 ? '—' : (
                    <ul>
                      {open.map((t) => (
                        <li key={t.id} data-ticket={t.id}>
                          {t.type.toLowerCase().replace('_', ' ')} · {t.severity.toLowerCase()} · {t.status.toLowerCase()}: {t.matter}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {pageInfo.hasNextPage && (
        <button disabled={loading} onClick={() => void fetchMore({ variables: { after: pageInfo.endCursor } })}>
          more customers
        </button>
      )}
    </section>
  );
}

function PartnerPortal({ graphqlUrl }: { graphqlUrl: string }) {
  const [client, setClient] = useState<ApolloClient | null>(() => {
    const token = new URLSearchParams(window.location.search).get('token');
    window.history.replaceState(null, '', window.location.pathname);
    return token ? partnerClient(graphqlUrl, token) : null;
  });
  const [token, setToken] = useState('');
  if (!client) {
    return (
      <form className="sign-in" onSubmit={(e) => (e.preventDefault(), setClient(partnerClient(graphqlUrl, token.trim())))}>
        <h1>Partner portal</h1>
        <p>Paste your partner token (npm start prints one as partnerPortal).</p>
        <textarea name="token" rows={4} value={token} onChange={(e) => setToken(e.target.value)} />
        <button type="submit">Sign in</button>
      </form>
    );
  }
  return (
    <ApolloProvider client={client}>
      <main>
        <header>
          <h1>Partner portal</h1>
        </header>
        <CustomerList />
      </main>
    </ApolloProvider>
  );
}

// The console serves where the gateway is; a partner's own page would write its URL here.
void fetch('/config.json')
  .then((response) => response.json() as Promise<{ graphqlUrl: string }>)
  .then(({ graphqlUrl }) => createRoot(document.getElementById('root')!).render(<PartnerPortal graphqlUrl={graphqlUrl} />));
