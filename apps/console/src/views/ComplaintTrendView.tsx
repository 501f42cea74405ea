// Complaints per month over the period and their causes (the complaint-analysis report).
import { gql } from '@apollo/client';
import { Doughnut, Line } from 'react-chartjs-2';
import { Figure, PALETTE, Status } from '../charts';
import source from '../operations/request-complaint-analysis.graphql';
import { useReport } from './report-run';

const REQUEST = gql(source);

interface Analysis {
  fromMonth: string;
  toMonth: string;
  total: number;
  byCause: { cause: string | null; count: number; share: number }[];
  trend: { month: string; count: number }[];
}

export function ComplaintTrendView({ fromMonth, toMonth }: { fromMonth: string; toMonth: string }) {
  const { result, loading, error, progress } = useReport<Analysis>(REQUEST, 'requestComplaintAnalysis', { fromMonth, toMonth });
  return (
    <section data-view="complaints">
      <h2>
        Complaints {fromMonth} – {toMonth}
        {result ? `: ${result.total}` : ''}
      </h2>
      <Status loading={loading && !error} error={error} />
      {loading && !error && <progress max={100} value={progress} />}
      {result && (
        <div className="grid">
          <Figure id="complaint-trend" title="Complaints per month">
            <Line
              data={{ labels: result.trend.map((m) => m.month), datasets: [{ label: 'complaints', data: result.trend.map((m) => m.count), borderColor: PALETTE[3], backgroundColor: PALETTE[3], borderWidth: 3, pointRadius: 4 }] }}
              options={{ plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }}
            />
          </Figure>
          <Figure id="complaint-causes" title="By cause">
            <Doughnut
              data={{ labels: result.byCause.map((c) => (c.cause ?? 'not analysed').toLowerCase().replace(/_/g, ' ')), datasets: [{ data: result.byCause.map((c) => c.count), backgroundColor: PALETTE }] }}
              options={{ plugins: { legend: { position: 'right' } } }}
            />
          </Figure>
        </div>
      )}
    </section>
  );
}
