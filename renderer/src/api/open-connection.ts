import { BRIDGE_PATH, type TillApi } from '../../../preload/contract';
import { bridgeUrl, parseFragment, routeHash, type Route } from '../app/fragment';
import { createBridgeClient, type OpenSocket } from './bridge-client';
import type { TillConnection } from './connection';
import { fromPreload } from './preload-client';

const TOKEN_KEY = 'till.bridgeToken';

const openWebSocket: OpenSocket = (url, handlers) => {
  const ws = new WebSocket(url);
  ws.onopen = () => handlers.open();
  ws.onmessage = (event) => handlers.message(event.data);
  ws.onclose = (event) => handlers.close(event.code);
  return { send: (text) => ws.send(text), close: () => ws.close() };
};

/**
 * Reads the token from the fragment once, keeps it in sessionStorage (so moving between
 * screens and reloading keep it) and takes it out of the address bar.
 */
function takeToken(): string | null {
  const { route, token } = parseFragment(window.location.hash);
  if (token !== null) {
    try {
      window.sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // Storage can be disabled; the token still works for this page.
    }
    window.history.replaceState(null, '', routeHash(route));
    return token;
  }
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export type Opened = { ok: true; connection: TillConnection } | { ok: false; reason: 'no-token' };

/** The preload's `window.till` when present (Electron), else the web host's bridge. */
export function openConnection(): Opened {
  const preload = (window as Window & { till?: TillApi }).till;
  if (preload !== undefined) return { ok: true, connection: fromPreload(preload) };
  const token = takeToken();
  if (token === null) return { ok: false, reason: 'no-token' };
  return { ok: true, connection: createBridgeClient({ url: bridgeUrl(window.location, BRIDGE_PATH, token), openSocket: openWebSocket }) };
}

export function currentRoute(): Route {
  return parseFragment(window.location.hash).route;
}
