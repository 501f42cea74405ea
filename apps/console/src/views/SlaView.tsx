// SLA compliance per department in one month (the service-supervision report): first response and resolution.
import { gql } from '@apollo/client';
import { Bar } from 'react-chartjs-2';
import { Figure, PALETTE, percent, percentAxis, Status } from '../charts';
import source from '../operations/request-service-supervision.graphql';
import { useReport } from './report-run';

const REQUEST = gql(source);

interface Compliance {
  decided: number;
  met: number;
  breached: number;
  rate: number | null;
}
interface Supervision {
  month: string;
  departments: { department: { id: string; name: string } | null; complaints: number; resolved: number; firstResponse: Compliance; resolution: Compliance }[];
}

export function SlaView({ month }: { month: string }) {
  const { result, loading, error, progress } = useReport<Supervision>(REQUEST, 'requestServiceSupervisionReport', { month });
  const rows = result?.departments ?? [];
  return (
    <section data-view="sla">
      <h2>SLA compliance in {month}</h2>
      <Status loading={loading && !error} error={error} />
      {loading && !error && <progress max={100} value={progress} />}
      {result && (
        <Figure id="sla" title="Clocks stopped in time (first response, resolution)">
          <Bar
            data={{
              labels: rows.map((row) => row.department?.name ?? 'no department'),
              datasets: [
                { label: 'first response', data: rows.map((row) => percent(row.firstResponse.rate)), backgroundColor: PALETTE[0] },
                { label: 'resolution', data: rows.map((row) => percent(row.resolution.rate)), backgroundColor: PALETTE[2] },
              ],
            }}
            options={{ ...percentAxis, plugins: { tooltip: { callbacks: { afterLabel: (item) => { const c = item.datasetIndex === 0 ? rows[item.dataIndex].firstResponse : rows[item.dataIndex].resolution; return `${c.met} met, ${c.breached} breached`; } } } } }}
          />
        </Figure>
      )}
    </section>
  );
}
