// The dashboard: sign in with a token, pick a period, see the KPI scorecard, receivables ageing, SLA compliance,
// the complaint trend and complaint events as they happen. It reads only the public graph, as the viewer.
import { gql } from '@apollo/client';
import { ApolloProvider, useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Status } from './charts';
import { createApolloClient, loadConfig, readToken, type ConsoleConfig } from './client';
import source from './operations/viewer.graphql';
import { lastDayOf, monthsOf, PERIOD_PATTERN } from './period';
import { SignIn } from './SignIn';
import { AgeingView } from './views/AgeingView';
import { ComplaintEventsView } from './views/ComplaintEventsView';
import { ComplaintTrendView } from './views/ComplaintTrendView';
import { KpiView } from './views/KpiView';
import { SlaView } from './views/SlaView';

const TOKEN_KEY = 'crm-console-token';
const VIEWER = gql(source);

function Dashboard({ onSignOut }: { onSignOut: () => void }) {
  const [period, setPeriod] = useState(String(new Date().getUTCFullYear()));
  const [typed, setTyped] = useState(period);
  const viewer = useQuery<{ viewer: { id: string; name: string | null; roles: string[] } }>(VIEWER);
  const { fromMonth, toMonth } = monthsOf(period);
  return (
    <main>
      <header>
        <h1>CRM console</h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (PERIOD_PATTERN.test(typed)) setPeriod(typed);
          }}
        >
          <label>
            period <input name="period" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="2026, 2026-Q2 or 2026-06" />
          </label>
          <button type="submit">show</button>
        </form>
        <span className="viewer">
          {viewer.data ? (viewer.data.viewer.name ?? `${viewer.data.viewer.id} (${viewer.data.viewer.roles.join(', ')})`) : ''}{' '}
          <button onClick={onSignOut}>sign out</button>
        </span>
      </header>
      <Status error={viewer.error} />
      <KpiView period={period} />
      <div className="grid">
        <AgeingView asOf={lastDayOf(period)} />
        <SlaView month={toMonth} />
      </div>
      <ComplaintTrendView fromMonth={fromMonth} toMonth={toMonth} />
      <ComplaintEventsView />
    </main>
  );
}

function App({ config }: { config: ConsoleConfig }) {
  const [token, setToken] = useState(() => readToken(TOKEN_KEY));
  const client = useMemo(() => (token ? createApolloClient(config, token) : null), [config, token]);
  if (!client) {
    return (
      <SignIn
        title="CRM console"
        hint="Paste a dev token (npm start prints one per demo user; the general manager's shows every chart)."
        onToken={(t) => {
          sessionStorage.setItem(TOKEN_KEY, t);
          setToken(t);
        }}
      />
    );
  }
  return (
    <ApolloProvider client={client}>
      <Dashboard
        onSignOut={() => {
          sessionStorage.removeItem(TOKEN_KEY);
          void client.clearStore();
          setToken(null);
        }}
      />
    </ApolloProvider>
  );
}

loadConfig().then(
  (config) => createRoot(document.getElementById('root')!).render(<App config={config} />),
  (error: unknown) => (document.getElementById('root')!.textContent = `The console cannot start: ${String(error)}`),
);
