import {
  complaintEventBaseSchema,
  complaintEventContracts,
  complaintEventsSubject,
  complaintOpenedV1,
  faultAnalysedV1,
  faultReportedV1,
  ticketClosedV1,
  ticketEventBaseSchema,
  ticketEventContracts,
  ticketEventsSubject,
  ticketOpenedV1,
  ticketResolvedV1,
} from './service-desk.events';

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

  it('reads the optional surveyResponseId on complaint.opened, and events without it as before', () => {
    const opened = { ...base, channel: 'ONLINE', matter: 'Survey follow-up', firstResponderId: 'a', openedAt: base.occurredAt };
    expect(complaintOpenedV1.data.parse({ ...opened, surveyResponseId: 'r-1' })).toMatchObject({ surveyResponseId: 'r-1' });
    expect(complaintOpenedV1.data.parse({ ...opened, surveyResponseId: null })).toMatchObject({ surveyResponseId: null });
    expect(complaintOpenedV1.data.parse(opened)).not.toHaveProperty('surveyResponseId');
  });

  describe('ticket lifecycle events (every ticket type)', () => {
    const ticketBase = { ...base, type: 'REPAIR', firstResponderId: 'agent-7', departmentId: 'D-EAST', surveyResponseId: null };

    it('names them crm.service-desk.ticket.<event>, version v1, under one subject filter apart from the complaint stream', () => {
      expect(ticketEventContracts.map((c) => c.type)).toEqual([
        'crm.service-desk.ticket.opened',
        'crm.service-desk.ticket.resolved',
        'crm.service-desk.ticket.reopened',
        'crm.service-desk.ticket.closed',
      ]);
      expect(ticketEventContracts.every((c) => c.version === 'v1' && c.type.startsWith(ticketEventsSubject.slice(0, -1)))).toBe(true);
      expect(ticketEventContracts.some((c) => c.type.startsWith(complaintEventsSubject.slice(0, -1)))).toBe(false);
    });

    it('requires the ticket key, type, first responder, department, survey link and state on every one', () => {
      for (const contract of ticketEventContracts) {
        const result = contract.data.safeParse({});
        expect(result.success).toBe(false);
        const missing = result.error!.issues.map((issue) => String(issue.path[0]));
        expect(missing).toEqual(expect.arrayContaining(Object.keys(ticketEventBaseSchema.shape)));
      }
    });

    it.each(['COMPLAINT', 'SERVICE_REQUEST', 'INQUIRY', 'REPAIR', 'FAULT'])('accepts a %s ticket', (type) => {
      const resolved = { ...ticketBase, type, status: 'RESOLVED', resolvedBy: 'agent-7', resolvedAt: base.occurredAt, resolvedAtOnce: true, handlingRound: 1 };
      expect(ticketResolvedV1.data.safeParse(resolved).success).toBe(true);
    });

    it('refuses an unknown ticket type', () => {
      const resolved = { ...ticketBase, type: 'GOSSIP', status: 'RESOLVED', resolvedBy: 'agent-7', resolvedAt: base.occurredAt, resolvedAtOnce: true, handlingRound: 1 };
      expect(ticketResolvedV1.data.safeParse(resolved).success).toBe(false);
    });

    it('carries the survey response a follow-up ticket comes from, and who closed it when', () => {
      const opened = { ...ticketBase, type: 'COMPLAINT', surveyResponseId: 'r-1', channel: 'ONLINE', openedAt: base.occurredAt, promisedReplyBy: '2024-09-23T06:00:00.000Z' };
      expect(ticketOpenedV1.data.parse(opened)).toMatchObject({ surveyResponseId: 'r-1', firstResponderId: 'agent-7' });
      const { surveyResponseId: _omitted, ...withoutLink } = opened;
      expect(ticketOpenedV1.data.safeParse(withoutLink).success).toBe(false);
      const closed = { ...ticketBase, status: 'CLOSED', closedBy: 'agent-7', closedAt: base.occurredAt };
      expect(ticketClosedV1.data.parse(closed)).toMatchObject({ closedBy: 'agent-7', closedAt: base.occurredAt });
    });
  });
});
