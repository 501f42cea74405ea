import { WorkingCalendar } from '@crm/working-calendar';
import { aroundTheClock, computeSlaClocks, isBreached, minutesToMs, workingTime, type ClockHistoryEntry, type ClockTargets, type SlaClockStatus } from './sla-clock';

/** Shanghai wall-clock time (UTC+8). */
const cst = (wallClock: string) => new Date(`${wallClock}+08:00`);
const at = (kind: string, wallClock: string): ClockHistoryEntry => ({ kind, at: cst(wallClock) });

// China 2024 National Day: 1–7 October off; Saturday 12 October worked.
const calendar = new WorkingCalendar({
  holidays: ['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05', '2024-10-06', '2024-10-07'],
  makeUpWorkdays: ['2024-09-29', '2024-10-12'],
});
const working = workingTime(calendar);
/** 2 working hours to answer, 2 working days (18 h) to resolve, near breach at 80 %. */
const targets: ClockTargets = { firstResponseMinutes: 120, resolutionMinutes: 18 * 60, nearBreachPercent: 80 };

describe('SLA clocks from the ticket history', () => {
  it('promises the reply within working hours on the same day', () => {
    const { firstResponse, resolution } = computeSlaClocks([at('OPENED', '2024-09-23T10:00:00')], targets, working, cst('2024-09-23T10:30:00'));
    expect(firstResponse).toMatchObject({ status: 'RUNNING', dueAt: cst('2024-09-23T12:00:00'), elapsedMs: 30 * 60_000 });
    expect(resolution.dueAt).toEqual(cst('2024-09-25T10:00:00'));
  });

  it('carries a reply promised late on Friday over the weekend to Monday', () => {
    const { firstResponse, resolution } = computeSlaClocks([at('OPENED', '2024-09-20T17:00:00')], targets, working, cst('2024-09-21T12:00:00'));
    expect(firstResponse.dueAt).toEqual(cst('2024-09-23T10:00:00'));
    // A Saturday does not consume the budget: still 1 h elapsed (Friday 17:00–18:00), not near breach.
    expect(firstResponse).toMatchObject({ status: 'RUNNING', elapsedMs: 60 * 60_000 });
    expect(resolution.dueAt).toEqual(cst('2024-09-24T17:00:00'));
  });

  it('skips the national holiday and counts the make-up Saturday', () => {
    const opened = [at('OPENED', '2024-09-30T17:00:00')];
    expect(computeSlaClocks(opened, targets, working, cst('2024-10-03T12:00:00')).firstResponse.dueAt).toEqual(cst('2024-10-08T10:00:00'));
    const friday = [at('OPENED', '2024-10-11T17:00:00')];
    expect(computeSlaClocks(friday, targets, working, cst('2024-10-11T17:30:00')).firstResponse.dueAt).toEqual(cst('2024-10-12T10:00:00'));
  });

  it('is near breach at 80 % of the target and breached once the due time has passed', () => {
    const opened = [at('OPENED', '2024-09-23T10:00:00')];
    expect(computeSlaClocks(opened, targets, working, cst('2024-09-23T11:36:00')).firstResponse.status).toBe('NEAR_BREACH');
    expect(computeSlaClocks(opened, targets, working, cst('2024-09-23T11:35:00')).firstResponse.status).toBe('RUNNING');
    expect(computeSlaClocks(opened, targets, working, cst('2024-09-23T12:00:00')).firstResponse.status).toBe('NEAR_BREACH');
    const late = computeSlaClocks(opened, targets, working, cst('2024-09-23T12:30:00')).firstResponse;
    expect(late).toMatchObject({ status: 'BREACHED', overdueMs: 30 * 60_000, remainingMs: 0 });
  });

  it('stays breached overnight although no working time passes', () => {
    const opened = [at('OPENED', '2024-09-23T16:00:00')];
    expect(computeSlaClocks(opened, targets, working, cst('2024-09-23T22:00:00')).firstResponse.status).toBe('BREACHED');
  });

  it('stops the first-response clock at the first answer to the customer, not at a transfer or escalation', () => {
    const history = [at('OPENED', '2024-09-23T10:00:00'), at('TRANSFERRED', '2024-09-23T10:10:00'), at('ESCALATED', '2024-09-23T10:20:00'), at('INVESTIGATION_STARTED', '2024-09-23T11:00:00')];
    const { firstResponse } = computeSlaClocks(history, targets, working, cst('2024-09-24T10:00:00'));
    expect(firstResponse).toMatchObject({ status: 'MET', stoppedAt: cst('2024-09-23T11:00:00'), elapsedMs: 60 * 60_000, dueAt: cst('2024-09-23T12:00:00') });
  });

  it('records a late answer as met late', () => {
    const history = [at('OPENED', '2024-09-23T10:00:00'), at('CUSTOMER_CONTACTED', '2024-09-23T13:00:00')];
    expect(computeSlaClocks(history, targets, working, cst('2024-09-24T10:00:00')).firstResponse.status).toBe('MET_LATE');
  });

  it('does not reset the resolution clock on a transfer', () => {
    const withTransfer = [at('OPENED', '2024-09-23T10:00:00'), at('INVESTIGATION_STARTED', '2024-09-23T10:30:00'), at('TRANSFERRED', '2024-09-24T15:00:00')];
    const without = withTransfer.slice(0, 2);
    const now = cst('2024-09-24T16:00:00');
    expect(computeSlaClocks(withTransfer, targets, working, now).resolution).toEqual(computeSlaClocks(without, targets, working, now).resolution);
  });

  it('pauses the resolution clock while waiting for the customer and moves the due time by the pause', () => {
    const history = [
      at('OPENED', '2024-09-23T10:00:00'),
      at('INVESTIGATION_STARTED', '2024-09-23T10:30:00'),
      at('WAITING_FOR_CUSTOMER', '2024-09-23T12:00:00'),
      at('CUSTOMER_RESPONDED', '2024-09-24T12:00:00'),
    ];
    const paused = computeSlaClocks(history.slice(0, 3), targets, working, cst('2024-09-23T15:00:00')).resolution;
    expect(paused).toMatchObject({ status: 'PAUSED', dueAt: null, elapsedMs: 2 * 3_600_000 });
    // Paused 9 working hours (12:00 Mon → 12:00 Tue): due Wednesday 10:00 + 9 h = Thursday 10:00.
    const resumed = computeSlaClocks(history, targets, working, cst('2024-09-24T13:00:00')).resolution;
    expect(resumed).toMatchObject({ status: 'RUNNING', dueAt: cst('2024-09-26T10:00:00'), elapsedMs: 3 * 3_600_000 });
  });

  it('restarts the resolution clock with a full budget on reopen, any number of times', () => {
    const firstRound = [at('OPENED', '2024-09-23T10:00:00'), at('INVESTIGATION_STARTED', '2024-09-23T10:30:00'), at('PLAN_AGREED', '2024-09-23T11:00:00'), at('RESOLVED', '2024-09-25T09:30:00')];
    expect(computeSlaClocks(firstRound, targets, working, cst('2024-09-26T10:00:00')).resolution).toMatchObject({ status: 'MET', round: 1 });
    const reopened = [...firstRound, at('REOPENED', '2024-09-26T10:00:00')];
    const second = computeSlaClocks(reopened, targets, working, cst('2024-09-26T11:00:00')).resolution;
    // Thursday 10:00 + 18 working hours: Thursday 8 h, Friday 9 h, then the make-up Sunday 29 September.
    expect(second).toMatchObject({ status: 'RUNNING', round: 2, startedAt: cst('2024-09-26T10:00:00'), dueAt: cst('2024-09-29T10:00:00'), elapsedMs: 3_600_000 });
    // The first response was answered once; reopening does not re-open it.
    expect(computeSlaClocks(reopened, targets, working, cst('2024-09-26T11:00:00')).firstResponse.status).toBe('MET');
    const third = [...reopened, at('RESOLVED', '2024-09-27T10:00:00'), at('REOPENED', '2024-09-30T09:00:00')];
    expect(computeSlaClocks(third, targets, working, cst('2024-09-30T10:00:00')).resolution).toMatchObject({ status: 'RUNNING', round: 3, elapsedMs: 3_600_000 });
  });

  it('counts around the clock for a target that is not in business hours', () => {
    const { firstResponse } = computeSlaClocks([at('OPENED', '2024-10-02T23:00:00')], targets, aroundTheClock, cst('2024-10-03T00:40:00'));
    expect(firstResponse).toMatchObject({ dueAt: cst('2024-10-03T01:00:00'), status: 'NEAR_BREACH', elapsedMs: 100 * 60_000 });
  });

  it('ignores history after the instant asked about (recompute as of any time)', () => {
    const history = [at('OPENED', '2024-09-23T10:00:00'), at('INVESTIGATION_STARTED', '2024-09-23T11:00:00')];
    expect(computeSlaClocks(history, targets, working, cst('2024-09-23T10:59:00')).firstResponse).toMatchObject({ status: 'RUNNING', stoppedAt: null });
    expect(computeSlaClocks(history, targets, working, cst('2024-09-23T11:01:00')).firstResponse).toMatchObject({ status: 'MET', stoppedAt: cst('2024-09-23T11:00:00') });
  });
});

describe('SLA clock edges', () => {
  const opened = at('OPENED', '2024-09-23T10:00:00');

  it('counts a reply at the very deadline as met, one a moment later as met late', () => {
    const onTime = computeSlaClocks([opened, at('INVESTIGATION_STARTED', '2024-09-23T12:00:00')], targets, working, cst('2024-09-23T15:00:00')).firstResponse;
    expect(onTime).toMatchObject({ status: 'MET', elapsedMs: 120 * 60_000, remainingMs: 0, overdueMs: 0 });
    const late = computeSlaClocks([opened, at('INVESTIGATION_STARTED', '2024-09-23T12:00:01')], targets, working, cst('2024-09-23T15:00:00')).firstResponse;
    expect(late).toMatchObject({ status: 'MET_LATE', overdueMs: 1000 });
  });

  it('is not breached at the due instant itself, only after it', () => {
    expect(computeSlaClocks([opened], targets, aroundTheClock, cst('2024-09-23T12:00:00')).firstResponse.status).toBe('NEAR_BREACH');
    expect(computeSlaClocks([opened], targets, aroundTheClock, cst('2024-09-23T12:00:01')).firstResponse.status).toBe('BREACHED');
  });

  it('answers the customer by resolving at once or by agreeing a plan, not by an internal note', () => {
    const atOnce = computeSlaClocks([opened, at('RESOLVED', '2024-09-23T10:20:00')], targets, working, cst('2024-09-24T10:00:00'));
    expect(atOnce.firstResponse).toMatchObject({ status: 'MET', stoppedAt: cst('2024-09-23T10:20:00') });
    expect(atOnce.resolution).toMatchObject({ status: 'MET', stoppedAt: cst('2024-09-23T10:20:00'), elapsedMs: 20 * 60_000 });
    const planned = computeSlaClocks([opened, at('ESCALATED', '2024-09-23T10:05:00'), at('PLAN_AGREED', '2024-09-23T10:40:00')], targets, working, cst('2024-09-24T10:00:00'));
    expect(planned.firstResponse).toMatchObject({ status: 'MET', stoppedAt: cst('2024-09-23T10:40:00') });
    const noted = computeSlaClocks([opened, at('PROGRESS_NOTED', '2024-09-23T10:10:00')], targets, working, cst('2024-09-23T10:30:00'));
    expect(noted.firstResponse).toMatchObject({ status: 'RUNNING', stoppedAt: null });
    const told = computeSlaClocks([opened, at('CUSTOMER_CONTACTED', '2024-09-23T10:10:00')], targets, working, cst('2024-09-23T10:30:00'));
    expect(told.firstResponse).toMatchObject({ status: 'MET', stoppedAt: cst('2024-09-23T10:10:00'), elapsedMs: 10 * 60_000 });
  });

  it('stays paused whatever else is recorded while the desk waits for the customer', () => {
    const history = [
      opened,
      at('INVESTIGATION_STARTED', '2024-09-23T10:30:00'),
      at('WAITING_FOR_CUSTOMER', '2024-09-23T11:00:00'),
      at('TRANSFERRED', '2024-09-23T14:00:00'),
      at('PROGRESS_NOTED', '2024-09-23T15:00:00'),
    ];
    expect(computeSlaClocks(history, targets, working, cst('2024-09-23T16:00:00')).resolution).toMatchObject({ status: 'PAUSED', elapsedMs: 3_600_000, dueAt: null });
  });

  it('keeps counting through a note while running, and ignores a second wait or response', () => {
    const history = [
      opened,
      at('PROGRESS_NOTED', '2024-09-23T11:00:00'),
      at('WAITING_FOR_CUSTOMER', '2024-09-23T12:00:00'),
      at('WAITING_FOR_CUSTOMER', '2024-09-23T13:00:00'),
      at('CUSTOMER_RESPONDED', '2024-09-23T14:00:00'),
      at('CUSTOMER_RESPONDED', '2024-09-23T15:00:00'),
    ];
    expect(computeSlaClocks(history, targets, working, cst('2024-09-23T16:00:00')).resolution).toMatchObject({ status: 'RUNNING', elapsedMs: 4 * 3_600_000 });
  });

  it('stops the resolution clock at the first resolution; a response or wait recorded after it changes nothing', () => {
    const history = [opened, at('RESOLVED', '2024-09-23T12:00:00'), at('CUSTOMER_RESPONDED', '2024-09-23T13:00:00'), at('WAITING_FOR_CUSTOMER', '2024-09-23T14:00:00'), at('RESOLVED', '2024-09-23T15:00:00')];
    expect(computeSlaClocks(history, targets, working, cst('2024-09-24T16:00:00')).resolution).toMatchObject({
      status: 'MET',
      stoppedAt: cst('2024-09-23T12:00:00'),
      elapsedMs: 2 * 3_600_000,
      dueAt: cst('2024-09-25T10:00:00'),
      remainingMs: 16 * 3_600_000,
    });
  });

  it('resolves a paused ticket without counting the pause', () => {
    const history = [opened, at('WAITING_FOR_CUSTOMER', '2024-09-23T11:00:00'), at('RESOLVED', '2024-09-23T15:00:00')];
    expect(computeSlaClocks(history, targets, working, cst('2024-09-24T16:00:00')).resolution).toMatchObject({ status: 'MET', elapsedMs: 3_600_000, stoppedAt: cst('2024-09-23T15:00:00') });
  });

  it('dates a breach that happened inside a segment before a pause', () => {
    const history = [opened, at('WAITING_FOR_CUSTOMER', '2024-09-25T12:00:00'), at('CUSTOMER_RESPONDED', '2024-09-26T10:00:00')];
    const resolution = computeSlaClocks(history, targets, working, cst('2024-09-26T11:00:00')).resolution;
    expect(resolution).toMatchObject({ status: 'BREACHED', dueAt: cst('2024-09-25T10:00:00'), elapsedMs: 21 * 3_600_000, overdueMs: 3 * 3_600_000 });
  });

  it('starts the round at the last reopen and reads only the history from there', () => {
    const history = [
      opened,
      at('WAITING_FOR_CUSTOMER', '2024-09-23T10:30:00'),
      at('RESOLVED', '2024-09-23T11:00:00'),
      at('REOPENED', '2024-09-24T10:00:00'),
      at('REOPENED', '2024-09-24T11:00:00'),
    ];
    const resolution = computeSlaClocks(history, targets, working, cst('2024-09-24T12:00:00')).resolution;
    expect(resolution).toMatchObject({ status: 'RUNNING', round: 3, startedAt: cst('2024-09-24T11:00:00'), elapsedMs: 3_600_000, stoppedAt: null });
  });

  it('reads the history in time order whatever order it is given in', () => {
    const history = [at('INVESTIGATION_STARTED', '2024-09-23T11:00:00'), at('CUSTOMER_CONTACTED', '2024-09-23T10:30:00'), opened];
    expect(computeSlaClocks(history, targets, working, cst('2024-09-23T12:00:00')).firstResponse.stoppedAt).toEqual(cst('2024-09-23T10:30:00'));
  });

  it('counts a reply or a resolution recorded at the very instant of opening', () => {
    const { firstResponse, resolution } = computeSlaClocks([opened, at('RESOLVED', '2024-09-23T10:00:00')], targets, working, cst('2024-09-23T11:00:00'));
    expect(firstResponse).toMatchObject({ status: 'MET', stoppedAt: cst('2024-09-23T10:00:00'), elapsedMs: 0 });
    expect(resolution).toMatchObject({ status: 'MET', stoppedAt: cst('2024-09-23T10:00:00'), elapsedMs: 0 });
  });

  it('pauses from a wait recorded at the very instant of a reopen', () => {
    const history = [opened, at('RESOLVED', '2024-09-23T11:00:00'), at('REOPENED', '2024-09-24T10:00:00'), at('WAITING_FOR_CUSTOMER', '2024-09-24T10:00:00')];
    expect(computeSlaClocks(history, targets, working, cst('2024-09-24T12:00:00')).resolution).toMatchObject({ status: 'PAUSED', elapsedMs: 0, round: 2 });
  });

  it('reads an entry recorded at the instant asked about', () => {
    const history = [opened, at('INVESTIGATION_STARTED', '2024-09-23T11:00:00')];
    expect(computeSlaClocks(history, targets, working, cst('2024-09-23T11:00:00')).firstResponse.status).toBe('MET');
  });

  it('refuses a history without its OPENED entry', () => {
    expect(() => computeSlaClocks([at('INVESTIGATION_STARTED', '2024-09-23T11:00:00')], targets, working, cst('2024-09-23T12:00:00'))).toThrow('a ticket history starts with OPENED');
  });

  it('reports the whole clock: kind, round, target, start, budget left and time over', () => {
    const { firstResponse, resolution } = computeSlaClocks([opened], targets, working, cst('2024-09-23T10:45:00'));
    expect(firstResponse).toStrictEqual({
      kind: 'FIRST_RESPONSE',
      status: 'RUNNING',
      round: 1,
      targetMs: 120 * 60_000,
      startedAt: cst('2024-09-23T10:00:00'),
      dueAt: cst('2024-09-23T12:00:00'),
      stoppedAt: null,
      elapsedMs: 45 * 60_000,
      remainingMs: 75 * 60_000,
      overdueMs: 0,
    });
    expect(resolution).toMatchObject({ kind: 'RESOLUTION', round: 1, targetMs: 18 * 3_600_000, startedAt: cst('2024-09-23T10:00:00'), remainingMs: 18 * 3_600_000 - 45 * 60_000 });
  });

  it('counts breached and met-late clocks as breaches', () => {
    const state = (status: SlaClockStatus) => ({ ...computeSlaClocks([opened], targets, working, cst('2024-09-23T10:45:00')).firstResponse, status });
    expect((['BREACHED', 'MET_LATE'] as const).map((s) => isBreached(state(s)))).toEqual([true, true]);
    expect((['RUNNING', 'PAUSED', 'NEAR_BREACH', 'MET'] as const).map((s) => isBreached(state(s)))).toEqual([false, false, false, false]);
  });

  it('converts minutes to milliseconds', () => {
    expect(minutesToMs(90)).toBe(5_400_000);
  });
});
