import { complaintEventBaseSchema, complaintEventContracts, complaintEventsSubject, complaintOpenedV1, faultAnalysedV1, faultReportedV1 } from './service-desk.events';

const base = { ticketId: 't-1', customerId: '0123456789abcdef01234567', status: 'RECEIVED', severity: 'HIGH', occurredAt: '2024-09-23T02:00:00.000Z' };

describe('service-desk event contracts', () => {
  it('names every complaint lifecycle event crm.service-desk.complaint.<event>, version v1, under one subject filter', () => {
    expect(complaintEventContracts.map((c) => c.type)).toEqual([
      'crm.service-desk.complaint.opened',
      'crm.service-desk.complaint.transferred',
      'crm.service-desk.complaint.escalated',
      'crm.service-desk.complaint.sla-breached',
      'crm.service-desk.complaint.sla-near-breach',
      'crm.service-desk.complaint.resolved',
      'crm.service-desk.complaint.reopened',
      'crm.service-desk.complaint.closed',
    ]);
    expect(complaintEventContracts.every((c) => c.version === 'v1' && c.type.startsWith(complaintEventsSubject.slice(0, -1)))).toBe(true);
  });

  it('requires the ticket key and state on every complaint event', () => {
    for (const contract of complaintEventContracts.slice(1)) {
      const result = contract.data.safeParse({});
      expect(result.success).toBe(false);
      const missing = result.error!.issues.map((issue) => String(issue.path[0]));
      expect(missing).toEqual(expect.arrayContaining(Object.keys(complaintEventBaseSchema.shape)));
    }
  });

  it('still reads complaint.opened events published before status and occurredAt existed', () => {
    const legacy = { ticketId: 't-1', customerId: base.customerId, severity: 'HIGH', channel: 'HOTLINE', matter: 'Leak', firstResponderId: 'a', openedAt: '2024-09-23T02:00:00.000Z' };
    expect(complaintOpenedV1.data.parse(legacy)).toMatchObject({ status: 'RECEIVED', occurredAt: '2024-09-23T02:00:00.000Z' });
  });

  it('names the recipients of fault reports and analyses', () => {
    const reported = {
      faultReportId: 'f-1',
      ticketId: null,
      customerId: base.customerId,
      severity: 'CRITICAL',
      faultOccurredAt: base.occurredAt,
      place: 'Plant 3',
      symptoms: 'Reboots',
      handlingPlan: 'Swap',
      reportedBy: 'tech-2',
      recipients: [{ role: 'SALES_OWNER', userId: 'alice', departmentId: 'D-EAST' }],
      occurredAt: base.occurredAt,
    };
    expect(faultReportedV1.data.safeParse(reported).success).toBe(false);
    expect(faultReportedV1.data.safeParse({ ...reported, recipients: [...reported.recipients, { role: 'RESPONSIBLE_MANAGER', userId: null, departmentId: 'D-EAST' }] }).success).toBe(true);
    const analysed = { faultReportId: 'f-1', ticketId: null, customerId: base.customerId, severity: 'HIGH', impact: 'i', handling: 'h', rootCause: 'r', correctiveActions: ['c'], preventiveActions: ['p'], analysedBy: 'tech-2', occurredAt: base.occurredAt };
    expect(faultAnalysedV1.data.safeParse({ ...analysed, sharedWith: [{ kind: 'CUSTOMER', id: base.customerId }, { kind: 'BUSINESS_DEPARTMENT', id: 'D-BUSINESS' }] }).success).toBe(true);
  });
});
