import fs from 'node:fs';
import path from 'node:path';
import { tryLockFile, isDatabaseError } from '../../native/sqlite';
import { TillError } from '../errors';

/** In the data directory, beside till.sqlite. */
export const HOST_LOCK_FILE = 'host.lock';
const OWNER_FILE = 'host.lock.owner';
/** Long enough to outlast `till doctor` looking at the lock, short enough not to be noticed. */
const CLAIM_WAIT_MS = 500;

export interface HostOwner {
  pid: number;
  /** "web host", "Electron app". */
  what: string;
  since: string;
}

/**
 * One till app (Electron or web host) per data directory. Two would both drive the same
 * serial printer and display (two receipts for one sale), both start a sandbox gateway, and
 * both show screens a cashier could use at once; a second launch (autostart and a manual
 * start, say) is refused with who holds the directory. The `till` commands stay free to run
 * beside the app: their engines meet the app's in the journal, as designed for a cancel
 * from another terminal.
 */
export function claimTillHost(dataDir: string, what: string, now: () => Date = () => new Date()): () => void {
  let lock;
  try {
    lock = tryLockFile(path.join(dataDir, HOST_LOCK_FILE), { waitMs: CLAIM_WAIT_MS });
  } catch (error) {
    if (isDatabaseError(error)) throw new TillError(error.code, error.message, { cause: error });
    throw error;
  }
  if (lock === undefined) {
    const who = describeHolder(dataDir);
    throw new TillError('TILL_ALREADY_RUNNING', `${who} is already running the till on ${dataDir}; one till app per data directory: use that one, or stop it first`);
  }
  const owner: HostOwner = { pid: process.pid, what, since: now().toISOString() };
  try {
    // Only to name the holder in the refusal above; the lock itself is the kernel's.
    fs.writeFileSync(path.join(dataDir, OWNER_FILE), `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  } catch {
    // A full disk must not stop the till that holds the lock; a refusal then names no one.
  }
  return () => lock.release();
}

/**
 * Who runs the till app on this data directory, or null when none does (`till doctor`).
 * Takes the lock for a moment when it is free (an app starting meanwhile waits for it); a
 * lock file that cannot be made means no app could be running there either.
 */
export function tillHostHolder(dataDir: string): string | null {
  let lock;
  try {
    lock = tryLockFile(path.join(dataDir, HOST_LOCK_FILE));
  } catch {
    return null;
  }
  if (lock === undefined) return describeHolder(dataDir);
  lock.release();
  return null;
}

function describeHolder(dataDir: string): string {
  const owner = readOwner(dataDir);
  return owner === undefined ? 'another till app' : `the ${owner.what} (pid ${owner.pid}, since ${owner.since})`;
}

function readOwner(dataDir: string): HostOwner | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, OWNER_FILE), 'utf8')) as Partial<HostOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.what !== 'string' || typeof parsed.since !== 'string') return undefined;
    return { pid: parsed.pid, what: parsed.what.slice(0, 40), since: parsed.since.slice(0, 40) };
  } catch {
    return undefined;
  }
}
