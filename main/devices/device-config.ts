import type { SqliteDatabase } from '../../native/sqlite';
import { TillError } from '../errors';
import { devicePathProblem } from './device-path';
import type { DisplayProtocol } from './display';
import { PRINTER_PROFILES } from './profiles';

/**
 * The serial devices of this till (the `devices` table): where each one is plugged, how
 * its port is set, and what it speaks. Every write is validated here, with a CONFIG_INVALID
 * error naming the field, so a bad value never reaches a port or the table.
 */

export const DEVICE_ROLES = ['printer', 'display'] as const;
export type DeviceRole = (typeof DEVICE_ROLES)[number];
export const PARITIES = ['none', 'even', 'odd'] as const;
export type Parity = (typeof PARITIES)[number];
export const FLOW_CONTROLS = ['none', 'rtscts', 'xonxoff'] as const;
export type FlowControl = (typeof FLOW_CONTROLS)[number];
export const DISPLAY_PROTOCOLS = ['epson', 'cd5220'] as const satisfies readonly DisplayProtocol[];
/** Rates receipt printers and pole displays offer (docs/protocol.md §6: 9600 typical, up to 115200). */
export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;

export interface DeviceConfig {
  name: string;
  role: DeviceRole;
  path: string;
  baud: number;
  dataBits: 7 | 8;
  parity: Parity;
  stopBits: 1 | 2;
  flow: FlowControl;
  /** A printer profile id (profiles.ts) for a printer; the command set for a display. */
  profile: string;
  enabled: boolean;
  /** ISO 8601 UTC time of the last write; a change tells the device manager to reopen. */
  updatedAt: string;
}

/** What `add` needs; everything else has a default (9600 8N1, no flow control). */
export type DeviceInput = Pick<DeviceConfig, 'name' | 'role' | 'path'> & Partial<Omit<DeviceConfig, 'name' | 'role' | 'path' | 'updatedAt'>>;
/** What `set` may change (not the name). */
export type DevicePatch = Partial<Omit<DeviceConfig, 'name' | 'updatedAt'>>;

export const DEVICE_DEFAULTS = { baud: 9600, dataBits: 8, parity: 'none', stopBits: 1, flow: 'none', enabled: true } as const;
export const DEFAULT_DISPLAY_PROTOCOL: DisplayProtocol = 'epson';
export const DEFAULT_PRINTER_PROFILE = 'generic';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

function invalid(field: string, message: string): TillError {
  return new TillError('CONFIG_INVALID', message, { field });
}

function oneOf<T extends string | number>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw invalid(field, `${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

export function defaultProfile(role: DeviceRole): string {
  return role === 'printer' ? DEFAULT_PRINTER_PROFILE : DEFAULT_DISPLAY_PROTOCOL;
}

/** Checks a whole device; returns it unchanged (the caller's types already say what it holds). */
export function validateDevice(device: Omit<DeviceConfig, 'updatedAt'>): Omit<DeviceConfig, 'updatedAt'> {
  if (typeof device.name !== 'string' || !NAME_PATTERN.test(device.name)) {
    throw invalid('name', `name must be 1 to 32 letters, digits, '.', '_' or '-' (starting with a letter or digit), got ${JSON.stringify(device.name)}`);
  }
  oneOf('role', device.role, DEVICE_ROLES);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (typeof device.path !== 'string' || device.path.trim() === '' || device.path.length > 256 || /[\u0000-\u001f]/.test(device.path)) {
    throw invalid('path', `path must be the serial port's name, e.g. /dev/ttyUSB0 or COM3, got ${JSON.stringify(device.path)}`);
  }
  const problem = devicePathProblem(device.path);
  if (problem !== undefined) throw invalid('path', problem);
  oneOf('baud', device.baud, BAUD_RATES);
  oneOf('dataBits', device.dataBits, [7, 8]);
  oneOf('parity', device.parity, PARITIES);
  oneOf('stopBits', device.stopBits, [1, 2]);
  oneOf('flow', device.flow, FLOW_CONTROLS);
  if (device.role === 'printer') oneOf('profile', device.profile, Object.keys(PRINTER_PROFILES));
  else oneOf('profile', device.profile, DISPLAY_PROTOCOLS);
  if (typeof device.enabled !== 'boolean') throw invalid('enabled', `enabled must be true or false, got ${JSON.stringify(device.enabled)}`);
  // 7 data bits without parity is 7N1, which no receipt printer or pole display speaks.
  if (device.dataBits === 7 && device.parity === 'none') {
    throw invalid('parity', 'dataBits 7 needs parity even or odd (7E1 / 7O1); use dataBits 8 with parity none');
  }
  return device;
}

/** The command line's spelling (strings) → typed values; each error names the field. */
export function parseDeviceField(field: keyof DevicePatch, text: string): DevicePatch {
  const integer = (): number => {
    if (!/^\d{1,7}$/.test(text)) throw invalid(field, `${field} must be a whole number, got ${JSON.stringify(text)}`);
    return Number(text);
  };
  switch (field) {
    case 'baud':
      return { baud: oneOf('baud', integer(), BAUD_RATES) };
    case 'dataBits':
      return { dataBits: oneOf('dataBits', integer(), [7, 8] as const) };
    case 'stopBits':
      return { stopBits: oneOf('stopBits', integer(), [1, 2] as const) };
    case 'enabled': {
      const value = ({ true: true, yes: true, on: true, '1': true, false: false, no: false, off: false, '0': false } as Record<string, boolean>)[text.toLowerCase()];
      if (value === undefined) throw invalid('enabled', `enabled must be true or false, got ${JSON.stringify(text)}`);
      return { enabled: value };
    }
    case 'role':
      return { role: oneOf('role', text, DEVICE_ROLES) };
    case 'parity':
      return { parity: oneOf('parity', text, PARITIES) };
    case 'flow':
      return { flow: oneOf('flow', text, FLOW_CONTROLS) };
    case 'path':
    case 'profile':
      return { [field]: text };
    default:
      throw invalid(String(field), `unknown device setting ${JSON.stringify(field)}`);
  }
}

interface DeviceRow {
  name: string;
  role: string;
  path: string;
  baud: number;
  data_bits: number;
  parity: string;
  stop_bits: number;
  flow_control: string;
  profile: string;
  enabled: number;
  updated_at: string;
}

function fromRow(row: DeviceRow): DeviceConfig {
  return {
    name: row.name,
    role: row.role as DeviceRole,
    path: row.path,
    baud: row.baud,
    dataBits: row.data_bits as 7 | 8,
    parity: row.parity as Parity,
    stopBits: row.stop_bits as 1 | 2,
    flow: row.flow_control as FlowControl,
    profile: row.profile,
    enabled: row.enabled === 1,
    updatedAt: row.updated_at,
  };
}

const COLUMNS = 'name, role, path, baud, data_bits, parity, stop_bits, flow_control, profile, enabled, updated_at';

/** Cheap enough for every engine start: is there anything to drive at all? */
export function hasEnabledDevices(db: SqliteDatabase): boolean {
  return db.prepare('SELECT 1 FROM devices WHERE enabled = 1 LIMIT 1').get() !== undefined;
}

export class DeviceConfigStore {
  private readonly now: () => Date;

  constructor(
    readonly db: SqliteDatabase,
    options: { now?: () => Date } = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  list(): DeviceConfig[] {
    return this.db.prepare<[], DeviceRow>(`SELECT ${COLUMNS} FROM devices ORDER BY role, name`).all().map(fromRow);
  }

  get(name: string): DeviceConfig | undefined {
    const row = this.db.prepare<[string], DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE name = ?`).get(name);
    return row === undefined ? undefined : fromRow(row);
  }

  /** The one enabled device of a role, if any. */
  enabled(role: DeviceRole): DeviceConfig | undefined {
    const row = this.db.prepare<[string], DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE role = ? AND enabled = 1 ORDER BY name LIMIT 1`).get(role);
    return row === undefined ? undefined : fromRow(row);
  }

  require(name: string): DeviceConfig {
    const device = this.get(name);
    if (!device) throw new TillError('DEVICE_NOT_FOUND', `no device named ${JSON.stringify(name)} (see \`till devices list\`)`, { field: 'name' });
    return device;
  }

  add(input: DeviceInput): DeviceConfig {
    const device = validateDevice({
      ...DEVICE_DEFAULTS,
      profile: defaultProfile(input.role),
      ...stripUndefined(input),
    });
    return this.write(() => {
      if (this.get(device.name)) throw new TillError('DEVICE_EXISTS', `a device named ${device.name} already exists (change it with \`till devices set\`)`, { field: 'name' });
      this.checkConflicts(device);
      this.db
        .prepare(`INSERT INTO devices (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(device.name, device.role, device.path, device.baud, device.dataBits, device.parity, device.stopBits, device.flow, device.profile, device.enabled ? 1 : 0, this.timestamp());
      return device.name;
    });
  }

  update(name: string, patch: DevicePatch): DeviceConfig {
    return this.write(() => {
      const current = this.require(name);
      const changes = stripUndefined(patch);
      // A new role without a profile takes that role's default; the old profile would not fit.
      const profile = changes.profile ?? (changes.role !== undefined && changes.role !== current.role ? defaultProfile(changes.role) : current.profile);
      const { updatedAt: _previous, ...rest } = current;
      const device = validateDevice({ ...rest, ...changes, profile, name });
      this.checkConflicts(device);
      this.db
        .prepare('UPDATE devices SET role = ?, path = ?, baud = ?, data_bits = ?, parity = ?, stop_bits = ?, flow_control = ?, profile = ?, enabled = ?, updated_at = ? WHERE name = ?')
        .run(device.role, device.path, device.baud, device.dataBits, device.parity, device.stopBits, device.flow, device.profile, device.enabled ? 1 : 0, this.timestamp(), name);
      return name;
    });
  }

  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM devices WHERE name = ?').run(name).changes > 0;
  }

  /**
   * One enabled device per role (the engine would not know where the slip goes), and no
   * two enabled devices on one port (the second open would find it busy; a display
   * chained behind a printer is not supported).
   */
  private checkConflicts(device: Omit<DeviceConfig, 'updatedAt'>): void {
    if (!device.enabled) return;
    for (const other of this.list()) {
      if (other.name === device.name || !other.enabled) continue;
      if (other.role === device.role) {
        throw invalid('enabled', `${other.name} is already the enabled ${device.role}; disable it first (till devices set ${other.name} --enabled false)`);
      }
      if (other.path === device.path) {
        throw invalid('path', `${device.path} is already used by ${other.name}; two devices cannot share a port`);
      }
    }
  }

  /** Read-check-write under the write lock, so two processes cannot both pass the checks. */
  private write(work: () => string): DeviceConfig {
    const name = this.db.transaction(work).immediate();
    return this.require(name);
  }

  private timestamp(): string {
    return this.now().toISOString();
  }
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
