import { ComplaintAnalysisAccumulator, ServiceSupervisionAccumulator } from './report-figures';
import { monthsBetween, parseReportPeriod } from './report-period';

describe('supervision report figures', () => {
  it('counts requests accepted, proactive maintenance and SLA compliance per department', () => {
    const report = new ServiceSupervisionAccumulator('2024-09');
    report.ensureDepartment('D-KEY');
    report.add({ departmentId: 'D-EAST', type: 'COMPLAINT', origin: 'CUSTOMER', status: 'CLOSED', firstResponse: 'MET', resolution: 'MET' });
    report.add({ departmentId: 'D-EAST', type: 'SERVICE_REQUEST', origin: 'CUSTOMER', status: 'RECEIVED', firstResponse: 'BREACHED', resolution: 'RUNNING' });
    report.add({ departmentId: 'D-EAST', type: 'REPAIR', origin: 'PROACTIVE', status: 'RESOLVED', firstResponse: 'MET_LATE', resolution: 'MET' });
    report.add({ departmentId: 'D-WEST', type: 'INQUIRY', origin: 'CUSTOMER', status: 'INVESTIGATING', firstResponse: 'MET', resolution: 'PAUSED' });
    const result = report.result();
    expect(result.departments.map((d) => d.departmentId)).toEqual(['D-EAST', 'D-KEY', 'D-WEST']);
    expect(result.departments[0]).toEqual({
      departmentId: 'D-EAST',
      requestsAccepted: 2,
      proactiveMaintenance: 1,
      complaints: 1,
      resolved: 2,
      firstResponse: { decided: 3, met: 1, breached: 2, rate: 0.3333 },
      resolution: { decided: 2, met: 2, breached: 0, rate: 1 },
    });
    expect(result.departments[1]).toMatchObject({ requestsAccepted: 0, firstResponse: { decided: 0, rate: null } });
    expect(result.departments[2].resolution).toEqual({ decided: 0, met: 0, breached: 0, rate: null });
  });

  it('analyses complaints by cause and by month, empty months included', () => {
    const analysis = new ComplaintAnalysisAccumulator(monthsBetween('2024-08', '2024-10'));
    analysis.add({ month: '2024-09', cause: 'DELIVERY' });
    analysis.add({ month: '2024-10', cause: 'DELIVERY' });
    analysis.add({ month: '2024-10', cause: null });
    analysis.add({ month: '2024-10', cause: 'BILLING' });
    const result = analysis.result();
    expect(result.total).toBe(4);
    expect(result.byCause).toEqual([
      { cause: 'DELIVERY', count: 2, share: 0.5 },
      { cause: 'BILLING', count: 1, share: 0.25 },
      { cause: null, count: 1, share: 0.25 },
    ]);
    expect(result.trend.map((m) => [m.month, m.count])).toEqual([
      ['2024-08', 0],
      ['2024-09', 1],
      ['2024-10', 3],
    ]);
  });
});

describe('report periods', () => {
  it('reads months, quarters and years in the calendar time zone', () => {
    expect(parseReportPeriod('2024-02', 'Asia/Shanghai')).toEqual({ label: '2024-02', from: new Date('2024-01-31T16:00:00Z'), to: new Date('2024-02-29T16:00:00Z') });
    expect(parseReportPeriod('2024-Q4', 'Asia/Shanghai')).toMatchObject({ from: new Date('2024-09-30T16:00:00Z'), to: new Date('2024-12-31T16:00:00Z') });
    expect(parseReportPeriod('2024', 'Europe/Berlin')).toMatchObject({ from: new Date('2023-12-31T23:00:00Z'), to: new Date('2024-12-31T23:00:00Z') });
  });

  it('rejects anything else naming the argument', () => {
    expect(() => parseReportPeriod('2024-13', 'Asia/Shanghai')).toThrow(/period: must be a month/);
    expect(() => parseReportPeriod('Q1-2024', 'Asia/Shanghai', 'month')).toThrow(/month:/);
  });

  it('lists the months of a range across a year end', () => {
    expect(monthsBetween('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(monthsBetween('2024-11', '2024-10')).toEqual([]);
  });
});
