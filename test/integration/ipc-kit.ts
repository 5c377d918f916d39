import { freePort } from '../support/free-port';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Channel, ReplyOf, RequestOf, Result, TillErrorView, TillEvent } from '../../preload/contract';
import { setConfigValues } from '../../main/config/settings-schema';
import { openTillDatabase } from '../../main/config/data-dir';
import { SettingsStore } from '../../main/config/settings-store';
import { SupervisorPin } from '../../main/config/supervisor-pin';
import type { RouterConnection } from '../../main/ipc/router-types';
import { startTillServices, type TillServices, type TillServicesOptions } from '../../main/runtime/till-services';
import { SECRET_ACCOUNTS, createKeychain } from '../../native/keychain';
import { profileIdOf, secretFragments, storedPrivateKeys, tempDir } from '../support/cli-runner';

/**
 * The router over a real till: a data directory in a temporary folder (real SQLite), the
 * real keychain (the test files run inside keyring-session.sh), the built-in sandbox
 * started in-process by startTillServices on a free loopback port. Screens are router
 * connections that record every reply and event, so a test file can prove at its end that
 * no key material and no PIN ever reached a screen or the log.
 */

/** Everything any screen of this test file received, and every line the till logged. */
export const transcript: { what: string; text: string }[] = [];

export { freePort };

/** A fresh data directory whose gateway is a free loopback port, with quick polling. */
export async function freshDataDir(settings: Record<string, string> = {}): Promise<string> {
  const dataDir = tempDir('till-ipc-');
  const db = openTillDatabase(dataDir);
  try {
    setConfigValues(new SettingsStore(db), { 'gateway.baseUrl': `http://127.0.0.1:${await freePort()}`, 'payment.pollIntervalMs': '500', ...settings });
  } finally {
    db.close();
  }
  return dataDir;
}

export async function startServices(dataDir: string, options: Omit<TillServicesOptions, 'dataDir' | 'log'> = {}): Promise<TillServices> {
  return startTillServices({ ...options, dataDir, log: (line) => transcript.push({ what: 'till log', text: line }) });
}

/**
 * The first supervisor PIN as a till gets it (issue 11 §1): a one-time code printed at the
 * terminal, typed on `on` with the new PIN. The SUPERVISOR_PIN alarm that raises is
 * acknowledged at once, so a test counts only the alarms it is about.
 */
export async function setFirstPin(services: TillServices, on: Screen, pin: string): Promise<ReplyOf<'supervisor.setupPin'>> {
  const { vault, settings, journal } = services.till;
  const { code } = await new SupervisorPin(vault, settings, journal, Date.now).issueSetupCode();
  const reply = await on.ok('supervisor.setupPin', { code, pin });
  for (const alarm of journal.openAlarms()) if (alarm.kind === 'SUPERVISOR_PIN') journal.clearAlarm(alarm.id, 'test set-up');
  return reply;
}

export class Screen {
  readonly events: TillEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly connection: RouterConnection,
    readonly name: string,
  ) {
    connection.subscribe((event) => {
      this.events.push(event);
      transcript.push({ what: `${name} event ${event.type}`, text: JSON.stringify(event) });
      for (const wake of [...this.waiters]) wake();
    });
  }

  async call(channel: unknown, request: unknown): Promise<Result<unknown>> {
    const result = await this.connection.invoke(channel, request);
    transcript.push({ what: `${this.name} ${String(channel).slice(0, 40)}`, text: JSON.stringify(result) });
    return result;
  }

  async ok<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ReplyOf<C>> {
    const result = await this.call(channel, request);
    if (!result.ok) assert.fail(`${channel} failed: ${JSON.stringify(result.error)}`);
    return result.value as ReplyOf<C>;
  }

  async fails(channel: unknown, request: unknown, code: string, field?: string): Promise<TillErrorView> {
    const result = await this.call(channel, request);
    if (result.ok) assert.fail(`${String(channel)} succeeded, expected ${code}: ${JSON.stringify(result.value).slice(0, 300)}`);
    assert.equal(result.error.code, code, `${String(channel)}: ${JSON.stringify(result.error)}`);
    if (field !== undefined) assert.equal(result.error.field, field, `${String(channel)}: ${JSON.stringify(result.error)}`);
    return result.error;
  }

  /** The first event (from now on or already received) that `match` accepts. */
  waitForEvent<T extends TillEvent>(what: string, match: (event: TillEvent) => event is T, timeoutMs?: number): Promise<T>;
  waitForEvent(what: string, match: (event: TillEvent) => boolean, timeoutMs?: number): Promise<TillEvent>;
  waitForEvent(what: string, match: (event: TillEvent) => boolean, timeoutMs = 15_000): Promise<TillEvent> {
    return new Promise((resolve, reject) => {
      const look = () => {
        const found = this.events.find(match);
        if (!found) return;
        clearTimeout(timer);
        this.waiters.delete(look);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(look);
        reject(new Error(`${this.name}: no event ${what} within ${timeoutMs} ms; got ${this.events.map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      this.waiters.add(look);
      look();
    });
  }
}

export function screen(services: TillServices, name: string): Screen {
  return new Screen(services.router.connect({ host: 'test', label: name }), name);
}

/** What a refused call must leave alone: rows of every table that matters, every setting, the keychain. */
export async function stateOf(services: TillServices): Promise<string> {
  const db = services.till.db;
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const tables = ['orders', 'events', 'attempts', 'refunds', 'alarms', 'devices', 'business_days'].map((t) => `${t}=${count(t)}`);
  // Order numbers handed out count as a change too: none may be used up by a refused call.
  const sequences = db.prepare('SELECT * FROM sequences').all();
  const settings = db.prepare('SELECT key, value FROM settings ORDER BY key').all();
  const keychain = createKeychain(services.till.profile.id);
  const secrets = await Promise.all(Object.values(SECRET_ACCOUNTS).map(async (account) => `${account}=${(await keychain.get(account)) ?? '-'}`));
  return JSON.stringify({ tables, sequences, settings, secrets });
}

/**
 * Fails if any reply, event or log line of this file holds a PEM private key marker, a
 * piece of the data directory's private keys, a PIN or the stored PIN hash; then checks
 * the data directory's files for the same.
 */
export async function assertNothingSecretLeaked(dataDir: string, pins: readonly string[]): Promise<void> {
  assert.ok(transcript.length > 0, 'nothing was recorded');
  const keys = await storedPrivateKeys(dataDir);
  assert.ok(keys.length > 0, 'no private key to look for');
  const pinHash = await createKeychain(profileIdOf(dataDir)).get(SECRET_ACCOUNTS.supervisorPinHash);
  const fragments = keys.flatMap(secretFragments);
  const needles = [...pins, ...(pinHash === null ? [] : [pinHash, pinHash.split('$').at(-1)!])];
  for (const { what, text } of transcript) {
    assert.ok(!/PRIVATE KEY/.test(text), `${what} holds a private key marker`);
    const flat = text.replace(/\\n|\s+/g, '');
    for (const fragment of fragments) assert.ok(!flat.includes(fragment), `${what} holds private key material`);
    for (const needle of needles) assert.ok(!text.includes(needle), `${what} holds a PIN or the PIN hash`);
  }
  // Every file below the data directory: the journal, its backups, the logs.
  for (const entry of fs.readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const name = path.relative(dataDir, path.join(entry.parentPath, entry.name));
    const bytes = fs.readFileSync(path.join(dataDir, name));
    for (const needle of ['PRIVATE KEY', ...needles]) assert.equal(bytes.indexOf(needle), -1, `${name} holds ${needle === 'PRIVATE KEY' ? 'a private key' : 'a PIN or its hash'}`);
  }
}
