import type { SqliteDatabase, SqliteStatement } from '../../native/sqlite';
import { TillError } from '../errors';

export interface SettingEntry {
  readonly key: string;
  readonly value: string;
  /** ISO 8601 UTC time of the last write. */
  readonly updatedAt: string;
}

interface SettingRow {
  key: string;
  value: string;
  updated_at: string;
}

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Last key segments that can only mean a secret; those belong in the OS keychain. */
const SECRET_KEY_SEGMENT = /^(private[-_]?key|secret|client[-_]?secret|password|passphrase|pin|pin[-_]?hash|token|access[-_]?token|isv[-_]?(access)?token|api[-_]?key)$/i;

/**
 * String key/value access to the `settings` table. Typed configuration lives in
 * settings-schema.ts on top of this; this layer only guarantees well-formed keys, string
 * values and that nothing shaped like a secret is written to SQLite.
 */
export class SettingsStore {
  readonly db: SqliteDatabase;
  private readonly now: () => Date;
  private readonly selectOne: SqliteStatement<[string], SettingRow>;
  private readonly selectAll: SqliteStatement<[], SettingRow>;
  private readonly upsert: SqliteStatement<[string, string, string]>;
  private readonly insertIfAbsent: SqliteStatement<[string, string, string]>;
  private readonly deleteOne: SqliteStatement<[string]>;
  private readonly dataVersion: SqliteStatement<[], number>;

  constructor(db: SqliteDatabase, options: { now?: () => Date } = {}) {
    this.db = db;
    this.now = options.now ?? (() => new Date());
    this.selectOne = db.prepare('SELECT key, value, updated_at FROM settings WHERE key = ?');
    this.selectAll = db.prepare('SELECT key, value, updated_at FROM settings ORDER BY key');
    this.upsert = db.prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    this.insertIfAbsent = db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING');
    this.deleteOne = db.prepare('DELETE FROM settings WHERE key = ?');
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /**
   * A stamp that differs whenever the settings may have changed since it was taken: a write
   * through this store, or a commit by any other connection (the CLI, a second window, the
   * supervisor's process). Undefined inside a transaction, where what is read may yet be
   * rolled back: nothing read there may be kept. Lets a reader keep what it parsed
   * (settings-schema.ts's getConfig) instead of reading every row on every sale.
   */
  changeStamp(): string | undefined {
    if (this.db.inTransaction) return undefined;
    return `${this.dataVersion.get()}:${writesOn.get(this.db) ?? 0}`;
  }

  get(key: string): string | undefined {
    return this.getEntry(key)?.value;
  }

  getEntry(key: string): SettingEntry | undefined {
    assertKey(key);
    const row = this.selectOne.get(key);
    return row === undefined ? undefined : toEntry(row);
  }

  list(): SettingEntry[] {
    return this.selectAll.all().map(toEntry);
  }

  set(key: string, value: string): void {
    assertWritable(key, value);
    this.upsert.run(key, value, this.timestamp());
    noteWrite(this.db);
  }

  /** Writes all or none: a half-applied group (e.g. seller id without seller name) is worse than none. */
  setMany(entries: Readonly<Record<string, string>>): void {
    const pairs = Object.entries(entries);
    for (const [key, value] of pairs) assertWritable(key, value);
    this.transaction(() => {
      const at = this.timestamp();
      for (const [key, value] of pairs) this.upsert.run(key, value, at);
    });
    noteWrite(this.db);
  }

  /**
   * Stores `value` only if the key has none, and returns what is stored afterwards. Atomic
   * across processes, so two first starts racing still agree on one generated value.
   */
  setIfAbsent(key: string, value: string): string {
    assertWritable(key, value);
    return this.transaction(() => {
      if (this.insertIfAbsent.run(key, value, this.timestamp()).changes > 0) noteWrite(this.db);
      const row = this.selectOne.get(key);
      if (row === undefined) throw new TillError('SETTINGS_WRITE_LOST', `setting ${key} vanished right after being written`, { field: key });
      return row.value;
    });
  }

  /** Returns whether a value was removed. */
  delete(key: string): boolean {
    assertKey(key);
    const removed = this.deleteOne.run(key).changes > 0;
    if (removed) noteWrite(this.db);
    return removed;
  }

  /**
   * Runs `fn` in an IMMEDIATE transaction (a savepoint when already inside one). IMMEDIATE
   * because in WAL a read that later upgrades to a write fails with SQLITE_BUSY at once
   * if another process wrote in between; taking the write lock first waits instead.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private timestamp(): string {
    return this.now().toISOString();
  }
}

/**
 * Writes through any store on a connection (two stores may share one); another
 * connection's commits show in PRAGMA data_version instead.
 */
const writesOn = new WeakMap<SqliteDatabase, number>();

function noteWrite(db: SqliteDatabase): void {
  writesOn.set(db, (writesOn.get(db) ?? 0) + 1);
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new TillError(
      'SETTINGS_KEY_INVALID',
      `setting key ${JSON.stringify(key)} is invalid: 1-128 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit`,
      { field: typeof key === 'string' ? key : undefined },
    );
  }
}

function assertWritable(key: string, value: string): void {
  assertKey(key);
  if (typeof value !== 'string') {
    throw new TillError('SETTINGS_VALUE_INVALID', `setting ${key} must be a string, got ${typeof value}`, { field: key });
  }
  const lastSegment = key.slice(key.lastIndexOf('.') + 1);
  if (SECRET_KEY_SEGMENT.test(lastSegment) || /-----BEGIN [A-Z ]*(PRIVATE KEY|PUBLIC KEY|CERTIFICATE)-----/.test(value)) {
    throw new TillError(
      'SECRET_IN_SETTINGS',
      `setting ${key} looks like a secret or key material; secrets belong in the OS keychain, never in the database`,
      { field: key },
    );
  }
}

function toEntry(row: SettingRow): SettingEntry {
  return { key: row.key, value: row.value, updatedAt: row.updated_at };
}
