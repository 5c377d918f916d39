import fs from 'node:fs';
import os from 'node:os';
import type { TillConfig } from '../config/settings-schema';
import type { KeyVault } from '../config/key-vault';
import type { SettingsStore } from '../config/settings-store';
import { TillError } from '../errors';
import type { Journal } from '../journal/journal';
import { StoreClient } from './store-client';
import { clearStoreLink, readStoreLink, saveStoreLink, type StoreLink } from './store-link';

/**
 * `till store join URL CODE` and `till store leave` (docs/store-server.md, enrolment):
 * the one-time code becomes this terminal's credential, kept in the keychain; from then on
 * every journal change is noted for the server, starting with everything already journaled.
 */

export interface StoreParts {
  settings: SettingsStore;
  vault: KeyVault;
  journal: Journal;
  config(): TillConfig;
}

function caPem(config: TillConfig): string | undefined {
  const file = config['store.caFile'];
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new TillError('CONFIG_INVALID', `store.caFile cannot be read: ${(cause as Error).message}`, { field: 'store.caFile', cause });
  }
}

/** A client for the joined server with this terminal's credential; null when not joined. */
export async function linkedStoreClient(parts: StoreParts): Promise<StoreClient | null> {
  const link = readStoreLink(parts.settings);
  if (!link) return null;
  const token = await parts.vault.getStoreToken();
  if (token === null) return null;
  return new StoreClient({ url: link.url, caPem: caPem(parts.config()), token });
}

export async function joinStore(parts: StoreParts, url: string, code: string): Promise<StoreLink> {
  const existing = readStoreLink(parts.settings);
  if (existing) {
    throw new TillError('STORE_ALREADY_JOINED', `this till already sends its journal to ${existing.url} as ${existing.name} (${existing.terminal}); run \`till store leave\` first`);
  }
  const client = new StoreClient({ url, caPem: caPem(parts.config()) });
  try {
    const reply = await client.enrol({ code, tillTerminalId: parts.config()['terminal.id'], deviceName: os.hostname() });
    await parts.vault.setStoreToken(reply.token);
    const link: StoreLink = { url: new URL(url).href.replace(/\/$/, ''), terminal: reply.terminal, store: reply.store, name: reply.name };
    // The credential is in the keychain before the link is saved: a link never lacks one.
    saveStoreLink(parts.settings, link);
    parts.journal.outbox.startSync();
    return link;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Stops sending: the unsent changes are dropped (the server keeps what it has). */
export async function leaveStore(parts: StoreParts): Promise<StoreLink | null> {
  const link = readStoreLink(parts.settings);
  parts.journal.outbox.stopSync();
  clearStoreLink(parts.settings);
  await parts.vault.deleteStoreToken();
  return link;
}
