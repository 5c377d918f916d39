import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Journal } from '../journal/journal';
import type { Actor, AlarmKind } from '../journal/types';
import type { SettingsStore } from './settings-store';

/**
 * What proves a payment (docs/architecture.md, "Who may change what the till trusts"): the
 * gateway's address, the CA bundle and the certificate pins it is checked with, and the
 * keys. These are changed at the terminal only (the screens' settings.set refuses them),
 * and every change is journaled with who, the old and the new value (a CA file by its
 * path and SHA-256), and raises a TRUST alarm the supervisor sees. A till that has
 * journaled no order yet is being installed: the change is journaled, with no alarm.
 */

export const TRUST_SETTINGS = ['gateway.baseUrl', 'gateway.caFile', 'gateway.pinSha256'] as const;

export const TRUST_ALARM: AlarmKind = 'TRUST';

/** A CA bundle by path and content: a file swapped under the same name is a different trust. */
function describeCaFile(file: string | undefined): string | null {
  if (file === undefined) return null;
  try {
    return `${file} (sha256 ${createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16)})`;
  } catch (cause) {
    return `${file} (unreadable: ${(cause as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

function describe(key: string, value: string | undefined): string | null {
  return key === 'gateway.caFile' ? describeCaFile(value) : (value ?? null);
}

export type TrustSnapshot = ReadonlyMap<string, string | null>;

export function trustSnapshot(store: SettingsStore): TrustSnapshot {
  return new Map(TRUST_SETTINGS.map((key) => [key, describe(key, store.get(key))]));
}

/** Journals (and, once the till has taken orders, alarms) every trust setting that differs between two snapshots. */
export function recordTrustChanges(store: SettingsStore, before: TrustSnapshot, after: TrustSnapshot, actor: Actor): void {
  const journal = new Journal(store.db);
  for (const key of TRUST_SETTINGS) {
    const from = before.get(key) ?? null;
    const to = after.get(key) ?? null;
    if (from === to) continue;
    recordTrustEvent(journal, actor, 'trust_setting_changed', { key, from, to }, `${key} was changed at the terminal from ${from ?? '(not set)'} to ${to ?? '(not set)'}.`);
  }
}

/** One change of what the till trusts: the event always, the alarm once the till has taken orders. */
export function recordTrustEvent(journal: Journal, actor: Actor, kind: string, detail: Record<string, unknown>, said: string): void {
  journal.atomically(`record ${kind}`, () => {
    journal.appendEvent(null, actor, kind, detail);
    if (!journal.hasOrders()) return;
    journal.raiseAlarm({
      kind: TRUST_ALARM,
      code: String(detail.key ?? kind).toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
      message: `${said} What proves a payment changed: clear this alarm once you know it was intended.`,
      actor,
    });
  });
}
