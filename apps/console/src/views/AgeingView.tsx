// Receivables ageing: the outstanding amount per age bucket on a day.
import { gql } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { Bar } from 'react-chartjs-2';
import { Figure, major, PALETTE, Status } from '../charts';
import source from '../operations/ageing.graphql';

const AGEING = gql(source);

interface Ageing {
  ageing: { asOf: string; currency: string; total: { amountMinor: number }; buckets: { bucket: string; invoiceCount: number; amount: { amountMinor: number } }[] };
}

const BUCKET_LABELS: Record<string, string> = { CURRENT: 'not due', DAYS_1_30: '1–30 d', DAYS_31_60: '31–60 d', DAYS_61_90: '61–90 d', DAYS_91_180: '91–180 d', DAYS_181_365: '181–365 d', OVER_365: '> 365 d' };

export function AgeingView({ asOf }: { asOf: string }) {
  const { data, loading, error } = useQuery<Ageing>(AGEING, { variables: { asOf } });
  const ageing = data?.ageing;
  return (
    <section data-view="ageing">
      <h2>Receivables ageing on {asOf}</h2>
      <Status loading={loading && !data} error={error} />
      {ageing && (
        <Figure id="ageing" title={`Outstanding ${major(ageing.total.amountMinor).toLocaleString()} ${ageing.currency}`}>
          <Bar
            data={{
              labels: ageing.buckets.map((b) => BUCKET_LABELS[b.bucket] ?? b.bucket),
              datasets: [{ label: ageing.currency, data: ageing.buckets.map((b) => major(b.amount.amountMinor)), backgroundColor: ageing.buckets.map((_, i) => PALETTE[i % PALETTE.length]) }],
            }}
            options={{ plugins: { legend: { display: false }, tooltip: { callbacks: { afterLabel: (item) => `${ageing.buckets[item.dataIndex].invoiceCount} invoices` } } } }}
          />
        </Figure>
      )}
    </section>
  );
}
