// Periods as the KPI fields take them (YYYY, YYYY-Qn, YYYY-MM, UTC) and the months the service-desk reports need.

export const PERIOD_PATTERN = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;

const month = (year: number, m: number) => `${year}-${String(m).padStart(2, '0')}`;

/** The months of a period, up to the current month (reports on the future are empty). */
export function monthsOf(period: string, today = new Date()): { fromMonth: string; toMonth: string } {
  const year = Number(period.slice(0, 4));
  let from = 1;
  let to = 12;
  if (period.includes('-Q')) {
    from = (Number(period.slice(6)) - 1) * 3 + 1;
    to = from + 2;
  } else if (period.length === 7) {
    from = to = Number(period.slice(5));
  }
  const current = month(today.getUTCFullYear(), today.getUTCMonth() + 1);
  const fromMonth = month(year, from);
  const toMonth = month(year, to) > current && fromMonth <= current ? current : month(year, to);
  return { fromMonth, toMonth };
}

/** The last day of a period, or today when the period is not over (the day receivables are aged on). */
export function lastDayOf(period: string, today = new Date()): string {
  const { toMonth } = monthsOf(period, today);
  const [year, m] = toMonth.split('-').map(Number);
  const last = new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
  const now = today.toISOString().slice(0, 10);
  return last > now ? now : last;
}
