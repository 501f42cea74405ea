// Chart.js with every chart type registered, no animation (a chart is drawn as soon as its data is there), and
// one palette for the whole console.
import { Chart, registerables, type ChartOptions } from 'chart.js';
import type { ReactNode } from 'react';

Chart.register(...registerables);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

export const PALETTE = ['#2563eb', '#f97316', '#16a34a', '#dc2626', '#9333ea', '#0891b2', '#ca8a04', '#db2777'];

export const percentAxis: ChartOptions<'bar'> = {
  scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (value) => `${value} %` } } },
};

/** A share (0..1, or null when nothing to divide) as a percentage for a chart. */
export const percent = (share: number | null | undefined): number | null => (share == null ? null : Math.round(share * 1000) / 10);

/** Money in minor units as whole currency units for a chart. */
export const major = (amountMinor: number | null | undefined): number => (amountMinor ?? 0) / 100;

export function Figure({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <figure data-chart={id}>
      <figcaption>{title}</figcaption>
      <div className="chart">{children}</div>
    </figure>
  );
}

/** What a view shows while its query runs or when it failed (e.g. FORBIDDEN for the viewer's role). */
export function Status({ loading, error }: { loading?: boolean; error?: { message: string } | null }) {
  if (error) return <p className="error">{error.message}</p>;
  if (loading) return <p className="loading">loading…</p>;
  return null;
}
