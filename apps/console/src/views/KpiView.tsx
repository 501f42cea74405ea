// The KPI scorecard: one bar chart per figure, bars per department or per consultant, for the chosen period.
import { gql } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Bar } from 'react-chartjs-2';
import { Figure, major, PALETTE, percent, percentAxis, Status } from '../charts';
import source from '../operations/kpi-scorecard.graphql';

const KPI_SCORECARD = gql(source);

interface Figures {
  id: string;
  name: string;
  newCustomers: number | null;
  conversionRate: number | null;
  complaintRate: number | null;
  sales: { amountMinor: number; currency: string } | null;
  satisfaction: { meanScore: number | null; responses: number } | null;
}
interface Scorecard {
  departments: (Figures & { consultants: Figures[] })[];
}

const KPIS: { id: string; title: string; value: (row: Figures) => number | null; percent?: boolean }[] = [
  { id: 'newCustomers', title: 'New customers', value: (row) => row.newCustomers },
  { id: 'conversionRate', title: 'Conversion rate', value: (row) => percent(row.conversionRate), percent: true },
  { id: 'satisfaction', title: 'Satisfaction (mean score)', value: (row) => row.satisfaction?.meanScore ?? null },
  { id: 'sales', title: 'Sales', value: (row) => major(row.sales?.amountMinor) },
  { id: 'complaintRate', title: 'Complaint rate', value: (row) => percent(row.complaintRate), percent: true },
];

export function KpiView({ period }: { period: string }) {
  const [level, setLevel] = useState<'departments' | 'consultants'>('departments');
  const { data, loading, error } = useQuery<Scorecard>(KPI_SCORECARD, { variables: { period } });
  const rows: Figures[] = level === 'departments' ? (data?.departments ?? []) : (data?.departments ?? []).flatMap((d) => d.consultants);
  const currency = rows.find((row) => row.sales)?.sales?.currency ?? '';
  return (
    <section data-view="kpi">
      <h2>
        KPI scorecard, {period}{' '}
        <select value={level} onChange={(e) => setLevel(e.target.value as typeof level)} aria-label="per">
          <option value="departments">per department</option>
          <option value="consultants">per consultant</option>
        </select>
      </h2>
      <Status loading={loading && !data} error={error} />
      {data && (
        <div className="grid" data-level={level}>
          {KPIS.map((kpi, i) => (
            <Figure key={kpi.id} id={`kpi-${kpi.id}`} title={kpi.id === 'sales' ? `${kpi.title} (${currency})` : kpi.title}>
              <Bar
                data={{ labels: rows.map((row) => row.name), datasets: [{ label: kpi.title, data: rows.map(kpi.value), backgroundColor: PALETTE[i] }] }}
                options={{ plugins: { legend: { display: false } }, ...(kpi.percent ? percentAxis : {}) }}
              />
            </Figure>
          ))}
        </div>
      )}
    </section>
  );
}
