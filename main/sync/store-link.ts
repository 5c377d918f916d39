import type { SettingsStore } from '../config/settings-store';

/**
 * Which store server this till sends its journal to (`till store join`): the address and
 * the ids the server gave, kept with the settings; the credential itself lives only in the
 * keychain (key-vault.ts, account `store-token`).
 */

export interface StoreLink {
  url: string;
  /** The server's id for this terminal (trm_…). */
  terminal: string;
  store: string;
  name: string;
}

const KEYS = { url: 'sync.url', terminal: 'sync.terminal', store: 'sync.store', name: 'sync.name' } as const;

export function readStoreLink(settings: SettingsStore): StoreLink | null {
  const url = settings.get(KEYS.url);
  const terminal = settings.get(KEYS.terminal);
  if (url === undefined || terminal === undefined) return null;
  return { url, terminal, store: settings.get(KEYS.store) ?? '', name: settings.get(KEYS.name) ?? '' };
}

export function saveStoreLink(settings: SettingsStore, link: StoreLink): void {
  settings.setMany({ [KEYS.url]: link.url, [KEYS.terminal]: link.terminal, [KEYS.store]: link.store, [KEYS.name]: link.name });
}

export function clearStoreLink(settings: SettingsStore): void {
  for (const key of Object.values(KEYS)) settings.delete(key);
}
