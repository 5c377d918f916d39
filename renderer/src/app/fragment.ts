import { TOKEN_PARAM } from '../../../preload/contract';

/**
 * The URL fragment the hosts open the screens with: the route, then a query with the
 * bridge token. `#token=T` is the till, `#/customer?token=T` the customer display,
 * `#/supervisor?token=T` the supervisor. The token sits in the fragment so it is never
 * sent to a server or written to a Referer.
 */

export type Route = 'till' | 'customer' | 'supervisor';

export interface Fragment {
  route: Route;
  token: string | null;
}

const ROUTES: Record<string, Route> = { '': 'till', '/': 'till', '/customer': 'customer', '/supervisor': 'supervisor' };

/** A per-launch token: URL-safe characters only, so it can go into the bridge URL as is. */
const TOKEN_PATTERN = /^[A-Za-z0-9_\-.~]{16,256}$/;

export function isToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** Accepts the fragment with or without its leading '#'; an unknown route is the till. */
export function parseFragment(hash: string): Fragment {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const mark = text.indexOf('?');
  let path: string;
  let query: string;
  if (mark >= 0) {
    path = text.slice(0, mark);
    query = text.slice(mark + 1);
  } else if (text.startsWith('/')) {
    path = text;
    query = '';
  } else {
    path = '';
    query = text;
  }
  const route = ROUTES[path.replace(/\/+$/, '') || '/'] ?? 'till';
  const token = new URLSearchParams(query).get(TOKEN_PARAM);
  return { route, token: token !== null && isToken(token) ? token : null };
}

/** The fragment for a route, without the token (which the screen keeps in sessionStorage). */
export function routeHash(route: Route): string {
  return route === 'till' ? '#/' : `#/${route}`;
}

export function bridgeUrl(location: { protocol: string; host: string }, path: string, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}
