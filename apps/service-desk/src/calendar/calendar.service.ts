import { hasRole, isPartner, type Caller } from '@crm/auth';
import { BadUserInputError, ConflictError, ForbiddenError, parseInput, type Clock } from '@crm/kernel';
import { calendarWithStoredDays, isValidCalendarDay, type WorkingCalendar, type WorkingCalendarConfig } from '@crm/working-calendar';
import { actorOf } from '@crm/kernel';
import { calendarDayChangedV1 } from '@crm/contracts';
import { createEvent, withEvents } from '@crm/events';
import { isValidObjectId, Types, type Model } from 'mongoose';
import { z } from 'zod';
import { calendarDayKinds, type CalendarDayRecord } from './calendar-day.model';
import { onCallDuties, type OnCallDuty, type OnCallShiftRecord } from './on-call-shift.model';

const calendarDay = z.string().refine(isValidCalendarDay, 'must be a YYYY-MM-DD date');

const setCalendarDayInput = z.object({
  date: calendarDay,
  kind: z.enum(calendarDayKinds),
  name: z.string().trim().min(1, 'is required').max(100),
});

const assignOnCallInput = z.object({
  date: calendarDay,
  duty: z.enum(onCallDuties),
  userId: z.string().trim().min(1, 'is required').max(64),
  departmentId: z.string().trim().min(1).max(64).nullish(),
  contact: z.string().trim().max(100).nullish(),
});

// Holidays change a few times a year; other replicas pick a change up within this long.
const CALENDAR_CACHE_MS = 30_000;

/** Who may change the holiday calendar and the roster: the general manager and the coordinator. */
/** Who keeps the holiday calendar and the on-call roster. */
export function mayManageCalendar(caller: Caller): boolean {
  return hasRole(caller, 'general_manager', 'coordinator');
}

/**
 * The service desk's working calendar: the env's base (time zone, hours, holidays) plus the days kept in
 * `calendar_days` (managed through GraphQL), and the on-call roster for days off.
 */
export class CalendarService {
  private cached?: { calendar: WorkingCalendar; until: number };

  constructor(
    private readonly days: Model<CalendarDayRecord>,
    private readonly shifts: Model<OnCallShiftRecord>,
    private readonly base: WorkingCalendarConfig,
    private readonly clock: Clock,
  ) {}

  /** The calendar as it stands: env holidays overridden by the stored days. */
  async calendar(): Promise<WorkingCalendar> {
    const now = Date.now();
    if (this.cached && this.cached.until > now) return this.cached.calendar;
    // Concurrent callers (every KPI field of a scorecard) share the one read in flight.
    this.loading ??= this.load(now).finally(() => (this.loading = null));
    return this.loading;
  }

  private loading: Promise<WorkingCalendar> | null = null;
  /** Bumped by every change of a day, so a read that started before it never fills the cache. */
  private generation = 0;

  private async load(now: number): Promise<WorkingCalendar> {
    const generation = this.generation;
    const stored = await this.days.find({ kind: { $ne: null } }, { pendingEvents: 0 }).lean<CalendarDayRecord[]>();
    const calendar = buildCalendar(this.base, stored);
    if (generation === this.generation) this.cached = { calendar, until: now + CALENDAR_CACHE_MS };
    return calendar;
  }

  private invalidate(): void {
    this.cached = undefined;
    this.loading = null;
    this.generation += 1;
  }

  async listDays(caller: Caller, year: number): Promise<CalendarDayRecord[]> {
    this.assertInternal(caller);
    if (!Number.isInteger(year) || year < 1970 || year > 2200) throw new BadUserInputError('year', 'must be a year between 1970 and 2200');
    const stored = await this.days
      .find({ _id: { $gte: `${year}-01-01`, $lte: `${year}-12-31` }, kind: { $ne: null } }, { pendingEvents: 0 })
      .sort({ _id: 1 })
      .lean<CalendarDayRecord[]>();
    // Days configured in the environment show too, so the list is the calendar the clocks use.
    const fromEnv: CalendarDayRecord[] = [
      ...(this.base.holidays ?? []).map((day) => ({ _id: day, kind: 'HOLIDAY' as const, name: 'Holiday (configured)', updatedBy: 'config', updatedAt: new Date(0) })),
      ...(this.base.makeUpWorkdays ?? []).map((day) => ({ _id: day, kind: 'MAKE_UP_WORKDAY' as const, name: 'Make-up workday (configured)', updatedBy: 'config', updatedAt: new Date(0) })),
    ].filter((day) => day._id.startsWith(`${year}-`) && !stored.some((s) => s._id === day._id));
    return [...stored, ...fromEnv].sort((a, b) => a._id.localeCompare(b._id));
  }

  async setDay(caller: Caller, rawInput: unknown): Promise<CalendarDayRecord> {
    if (!mayManageCalendar(caller)) throw new ForbiddenError('Only the general manager or the coordinator manages the holiday calendar');
    const input = parseInput(setCalendarDayInput, rawInput);
    const now = this.clock.now();
    const record = { kind: input.kind, name: input.name, updatedBy: caller.userId, updatedAt: now };
    const event = createEvent(calendarDayChangedV1, { subject: input.date, actor: actorOf(caller), time: now, data: { date: input.date, kind: input.kind, name: input.name, changedAt: now.toISOString() } });
    const saved = await this.days
      .findOneAndUpdate({ _id: input.date }, withEvents<CalendarDayRecord>({ $set: record }, event), { upsert: true, returnDocument: 'after', projection: { pendingEvents: 0 } })
      .lean<CalendarDayRecord>();
    this.invalidate();
    return saved!;
  }

  async removeDay(caller: Caller, rawInput: unknown): Promise<boolean> {
    if (!mayManageCalendar(caller)) throw new ForbiddenError('Only the general manager or the coordinator manages the holiday calendar');
    const { date } = parseInput(z.object({ date: calendarDay }), rawInput);
    if (await this.shifts.exists({ date })) throw new ConflictError(`${date} still has on-call shifts; remove them first`);
    const now = this.clock.now();
    const event = createEvent(calendarDayChangedV1, { subject: date, actor: actorOf(caller), time: now, data: { date, kind: null, name: null, changedAt: now.toISOString() } });
    // Kept as a removed day (kind null) so that the removal and its event are one write.
    const removed = await this.days.updateOne({ _id: date, kind: { $ne: null } }, withEvents<CalendarDayRecord>({ $set: { kind: null, updatedBy: caller.userId, updatedAt: now } }, event));
    this.invalidate();
    return removed.modifiedCount === 1;
  }

  async roster(caller: Caller, from: string, to: string): Promise<OnCallShiftRecord[]> {
    this.assertInternal(caller);
    parseInput(z.object({ from: calendarDay, to: calendarDay }), { from, to }, 'args');
    return this.shifts
      .find({ date: { $gte: from, $lte: to } })
      .sort({ date: 1, duty: 1 })
      .lean<OnCallShiftRecord[]>();
  }

  async assignOnCall(caller: Caller, rawInput: unknown): Promise<OnCallShiftRecord> {
    if (!mayManageCalendar(caller)) throw new ForbiddenError('Only the general manager or the coordinator manages the on-call roster');
    const input = parseInput(assignOnCallInput, rawInput);
    const calendar = await this.calendar();
    if (calendar.isWorkingDay(input.date)) throw new BadUserInputError('input.date', `${input.date} is a working day; the roster covers holidays and other days off`);
    const departmentId = input.duty === 'DEPARTMENT_MANAGER' ? (input.departmentId ?? null) : null;
    const shift = {
      userId: input.userId,
      contact: input.contact ?? null,
      assignedBy: caller.userId,
      assignedAt: this.clock.now(),
    };
    // Assigning the same duty again replaces who covers it.
    const saved = await this.shifts
      .findOneAndUpdate({ date: input.date, duty: input.duty, departmentId }, { $set: shift, $setOnInsert: { _id: new Types.ObjectId() } }, { upsert: true, returnDocument: 'after' })
      .lean<OnCallShiftRecord>();
    return saved!;
  }

  async removeOnCall(caller: Caller, rawInput: unknown): Promise<boolean> {
    if (!mayManageCalendar(caller)) throw new ForbiddenError('Only the general manager or the coordinator manages the on-call roster');
    const { id } = parseInput(z.object({ id: z.string() }), rawInput);
    if (!isValidObjectId(id)) return false;
    return (await this.shifts.deleteOne({ _id: id })).deletedCount === 1;
  }

  /**
   * Who is on call for a duty at an instant: only on days off (holidays, weekends); null on working days or
   * when nobody is rostered. A department's own manager shift wins over one covering every department.
   */
  async onCallAt(at: Date, duty: OnCallDuty, departmentId: string | null = null): Promise<string | null> {
    const calendar = await this.calendar();
    if (calendar.isWorkingDay(at)) return null;
    const date = calendar.calendarDay(at);
    const shifts = await this.shifts.find({ date, duty }).lean<OnCallShiftRecord[]>();
    const own = shifts.find((shift) => departmentId !== null && shift.departmentId === departmentId);
    return (own ?? shifts.find((shift) => shift.departmentId === null))?.userId ?? null;
  }

  private assertInternal(caller: Caller): void {
    if (isPartner(caller)) throw new ForbiddenError('Partners have no access to the service calendar');
  }
}

/** The env's calendar with the stored days applied on top (a stored day wins over the env for that date). */
export function buildCalendar(base: WorkingCalendarConfig, stored: readonly Pick<CalendarDayRecord, '_id' | 'kind'>[]): WorkingCalendar {
  return calendarWithStoredDays(base, stored.map((day) => ({ date: day._id, kind: day.kind })));
}
