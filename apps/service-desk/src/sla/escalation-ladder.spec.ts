import { escalationLevelName, escalationSteps, levelDemandedBy, majorMatterStep, newSlaAlerts } from './escalation-ladder';
import type { SlaClockState } from './sla-clock';

const due = new Date('2024-09-23T04:00:00Z');
function clock(kind: 'FIRST_RESPONSE' | 'RESOLUTION', status: SlaClockState['status'], overdueMinutes = 0, round = 1): SlaClockState {
  return { kind, status, round, targetMs: 120 * 60_000, startedAt: due, dueAt: due, stoppedAt: null, elapsedMs: 0, remainingMs: 0, overdueMs: overdueMinutes * 60_000 };
}

describe('escalation ladder', () => {
  it('calls the supervisor near a breach, the department manager on a breach, the general manager when a breach stays overdue', () => {
    expect(escalationSteps(0, [clock('FIRST_RESPONSE', 'NEAR_BREACH')], 240).map((s) => s.level)).toEqual([1]);
    expect(escalationSteps(1, [clock('FIRST_RESPONSE', 'BREACHED', 10)], 240).map((s) => [s.level, s.reason])).toEqual([[2, 'SLA_BREACH']]);
    expect(escalationSteps(2, [clock('FIRST_RESPONSE', 'BREACHED', 240)], 240).map((s) => s.level)).toEqual([3]);
    expect(escalationSteps(3, [clock('FIRST_RESPONSE', 'BREACHED', 999)], 240)).toEqual([]);
  });

  it('takes the clock that demands most and climbs every rung in between', () => {
    const steps = escalationSteps(0, [clock('FIRST_RESPONSE', 'MET'), clock('RESOLUTION', 'BREACHED', 5)], 240);
    expect(steps).toEqual([
      { level: 1, previousLevel: 0, reason: 'SLA_BREACH', clock: 'RESOLUTION' },
      { level: 2, previousLevel: 1, reason: 'SLA_BREACH', clock: 'RESOLUTION' },
    ]);
  });

  it('never escalates for met, running or paused clocks', () => {
    expect(escalationSteps(0, [clock('FIRST_RESPONSE', 'MET_LATE'), clock('RESOLUTION', 'PAUSED'), clock('RESOLUTION', 'RUNNING')], 240)).toEqual([]);
  });

  it('sends a major matter straight to the general manager, once', () => {
    expect(majorMatterStep('CRITICAL', 0)).toEqual({ level: 3, previousLevel: 0, reason: 'MAJOR_MATTER', clock: null });
    expect(majorMatterStep('CRITICAL', 3)).toBeNull();
    expect(majorMatterStep('HIGH', 0)).toBeNull();
  });

  it('raises each alert once per clock and round; a breach supersedes a pending near-breach', () => {
    expect(newSlaAlerts([clock('FIRST_RESPONSE', 'BREACHED')], [])).toEqual([{ clock: 'FIRST_RESPONSE', round: 1, kind: 'BREACHED', dueAt: due }]);
    expect(newSlaAlerts([clock('FIRST_RESPONSE', 'BREACHED')], [{ clock: 'FIRST_RESPONSE', round: 1, kind: 'BREACHED' }])).toEqual([]);
    expect(newSlaAlerts([clock('RESOLUTION', 'NEAR_BREACH', 0, 2)], [{ clock: 'RESOLUTION', round: 1, kind: 'NEAR_BREACH' }])).toHaveLength(1);
    expect(newSlaAlerts([clock('RESOLUTION', 'NEAR_BREACH')], [{ clock: 'RESOLUTION', round: 1, kind: 'BREACHED' }])).toEqual([]);
  });
});

describe('escalation ladder rungs', () => {
  it('names each rung, clamping anything outside the ladder', () => {
    expect([-1, 0, 1, 2, 3, 4].map(escalationLevelName)).toEqual(['HANDLER', 'HANDLER', 'SUPERVISOR', 'DEPARTMENT_MANAGER', 'GENERAL_MANAGER', 'GENERAL_MANAGER']);
  });

  it('asks the general manager from the moment the breach has been overdue for the grace, not a minute before', () => {
    expect(levelDemandedBy(clock('RESOLUTION', 'BREACHED', 240), 240)).toEqual({ level: 3, reason: 'SLA_BREACH' });
    expect(levelDemandedBy(clock('RESOLUTION', 'BREACHED', 239), 240)).toEqual({ level: 2, reason: 'SLA_BREACH' });
    expect(levelDemandedBy(clock('RESOLUTION', 'NEAR_BREACH'), 240)).toEqual({ level: 1, reason: 'SLA_NEAR_BREACH' });
    expect(levelDemandedBy(clock('RESOLUTION', 'RUNNING'), 240)).toEqual({ level: 0, reason: null });
  });

  it('calls the supervisor for a near-breach with that reason and clock', () => {
    expect(escalationSteps(0, [clock('RESOLUTION', 'NEAR_BREACH')], 240)).toEqual([{ level: 1, previousLevel: 0, reason: 'SLA_NEAR_BREACH', clock: 'RESOLUTION' }]);
  });

  it('credits the first of two clocks that demand the same rung', () => {
    const steps = escalationSteps(1, [clock('FIRST_RESPONSE', 'BREACHED', 5), clock('RESOLUTION', 'BREACHED', 5)], 240);
    expect(steps).toEqual([{ level: 2, previousLevel: 1, reason: 'SLA_BREACH', clock: 'FIRST_RESPONSE' }]);
  });

  it('lets a later clock that demands more win over an earlier one', () => {
    const steps = escalationSteps(1, [clock('FIRST_RESPONSE', 'NEAR_BREACH'), clock('RESOLUTION', 'BREACHED', 5)], 240);
    expect(steps).toEqual([{ level: 2, previousLevel: 1, reason: 'SLA_BREACH', clock: 'RESOLUTION' }]);
  });

  it('does not step down when the ticket is already above what the clocks demand', () => {
    expect(escalationSteps(2, [clock('FIRST_RESPONSE', 'NEAR_BREACH')], 240)).toEqual([]);
  });

  it('sends a major matter to the general manager from any lower rung', () => {
    expect(majorMatterStep('CRITICAL', 2)).toEqual({ level: 3, previousLevel: 2, reason: 'MAJOR_MATTER', clock: null });
    expect(majorMatterStep('CRITICAL', 1)).toEqual({ level: 3, previousLevel: 1, reason: 'MAJOR_MATTER', clock: null });
  });

  it('raises no alert for a clock without a due time (paused before it)', () => {
    expect(newSlaAlerts([{ ...clock('RESOLUTION', 'BREACHED'), dueAt: null }], [])).toEqual([]);
  });

  it('raises a near-breach once per clock and round, and a breach of one clock does not silence another', () => {
    expect(newSlaAlerts([clock('RESOLUTION', 'NEAR_BREACH')], [])).toEqual([{ clock: 'RESOLUTION', round: 1, kind: 'NEAR_BREACH', dueAt: due }]);
    expect(newSlaAlerts([clock('RESOLUTION', 'NEAR_BREACH')], [{ clock: 'RESOLUTION', round: 1, kind: 'NEAR_BREACH' }])).toEqual([]);
    expect(newSlaAlerts([clock('RESOLUTION', 'NEAR_BREACH')], [{ clock: 'FIRST_RESPONSE', round: 1, kind: 'BREACHED' }])).toHaveLength(1);
    expect(newSlaAlerts([clock('RESOLUTION', 'BREACHED')], [{ clock: 'FIRST_RESPONSE', round: 1, kind: 'BREACHED' }])).toHaveLength(1);
    expect(newSlaAlerts([clock('RESOLUTION', 'BREACHED', 0, 2)], [{ clock: 'RESOLUTION', round: 1, kind: 'BREACHED' }])).toHaveLength(1);
    expect(newSlaAlerts([clock('RESOLUTION', 'BREACHED')], [{ clock: 'RESOLUTION', round: 1, kind: 'NEAR_BREACH' }])).toEqual([{ clock: 'RESOLUTION', round: 1, kind: 'BREACHED', dueAt: due }]);
  });

  it('raises nothing for running, paused or met clocks', () => {
    expect(newSlaAlerts([clock('RESOLUTION', 'RUNNING'), clock('FIRST_RESPONSE', 'MET_LATE'), clock('RESOLUTION', 'PAUSED')], [])).toEqual([]);
  });
});
