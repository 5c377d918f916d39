import type { SqliteStatement } from '../../../native/sqlite';
import { TillError } from '../../errors';
import type { NewAlarm } from '../journal-inputs';
import { toAlarm, type AlarmRow } from '../storage/row-mapping';
import type { Actor, AlarmRecord } from '../types';
import { ACTORS, assertActor, detailText } from './checks';
import type { JournalCore } from './core';

/** Alarms a person must see: raised once per kind, code and order; cleared by name. */
export class AlarmsRoom {
  private readonly insertAlarm: SqliteStatement<unknown[]>;
  private readonly selectAlarm: SqliteStatement<[number | bigint], AlarmRow>;
  private readonly selectOpenAlarm: SqliteStatement<[string, string | null, number | null], AlarmRow>;
  private readonly selectOpenAlarms: SqliteStatement<[], AlarmRow>;
  private readonly clearAlarmStmt: SqliteStatement<[number, string, number]>;

  constructor(private readonly core: JournalCore) {
    const db = core.db;
    const alarms = 'SELECT id, kind, code, order_id, message, raised_at, cleared_at, cleared_by FROM alarms';
    this.insertAlarm = db.prepare('INSERT INTO alarms (kind, code, order_id, message, raised_at) VALUES (?, ?, ?, ?, ?)');
    this.selectAlarm = db.prepare(`${alarms} WHERE id = ?`);
    this.selectOpenAlarm = db.prepare(`${alarms} WHERE cleared_at IS NULL AND kind = ? AND code IS ? AND order_id IS ? ORDER BY id LIMIT 1`);
    this.selectOpenAlarms = db.prepare(`${alarms} WHERE cleared_at IS NULL ORDER BY id`);
    this.clearAlarmStmt = db.prepare('UPDATE alarms SET cleared_at = ?, cleared_by = ? WHERE id = ? AND cleared_at IS NULL');
  }

  /** Raises an alarm; an open alarm of the same kind, code and order is returned instead of a second one. */
  raiseAlarm(input: NewAlarm): AlarmRecord {
    const actor = input.actor ?? 'engine';
    assertActor(actor);
    if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(input.kind)) throw new TillError('JOURNAL_MISUSE', `alarm kind ${JSON.stringify(input.kind)} is not an UPPER_CASE name`);
    const code = input.code ?? null;
    const orderId = input.orderId ?? null;
    return this.core.transaction(`raise a ${input.kind} alarm`, () => {
      const open = this.selectOpenAlarm.get(input.kind, code, orderId);
      if (open !== undefined) return toAlarm(open);
      const at = this.core.now();
      const id = this.insertAlarm.run(input.kind, code, orderId, input.message, at).lastInsertRowid;
      this.core.insertEvent.run(orderId, at, actor, 'alarm_raised', null, null, detailText({ alarm: Number(id), kind: input.kind, code: code ?? undefined }));
      return toAlarm(this.selectAlarm.get(id)!);
    });
  }

  /** Clears an open alarm (`by` names who decided: a supervisor's name, or an Actor). Clearing twice is a no-op. */
  clearAlarm(id: number, by: string): AlarmRecord {
    if (typeof by !== 'string' || by.trim() === '') throw new TillError('FIELD_MISSING', 'who clears the alarm is required', { field: 'by' });
    return this.core.transaction(`clear alarm ${id}`, () => {
      const alarm = this.selectAlarm.get(id);
      if (alarm === undefined) throw new TillError('ALARM_NOT_FOUND', `no alarm ${id}`, { field: 'alarm' });
      if (alarm.cleared_at !== null) return toAlarm(alarm);
      const at = this.core.now();
      this.clearAlarmStmt.run(at, by, id);
      const actor: Actor = ACTORS.has(by) ? (by as Actor) : 'supervisor';
      this.core.insertEvent.run(alarm.order_id, at, actor, 'alarm_cleared', null, null, detailText({ alarm: id, by }));
      return toAlarm(this.selectAlarm.get(id)!);
    });
  }

  openAlarms(): AlarmRecord[] {
    return this.selectOpenAlarms.all().map(toAlarm);
  }
}
