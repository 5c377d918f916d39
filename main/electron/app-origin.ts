import type { CustomScheme } from 'electron';

/**
 * The screens load from `app://till/…`, a privileged custom scheme served from the renderer
 * build, instead of `file://` (docs/protocol.md §8): one origin we own, no file-system reach.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'till';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const TILL_PAGE_URL = `${APP_ORIGIN}/index.html`;
export const CUSTOMER_PAGE_URL = `${TILL_PAGE_URL}#/customer`;

/**
 * Standard, so the URL has an origin and relative URLs resolve like http; secure, so the
 * page is a secure context. Nothing else: no fetch, CORS, service workers or CSP bypass.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true },
};

/** True for `app://till/…` exactly: no other host, no port, no credentials. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    // Chromium lower-cases the host of a standard scheme; Node's URL leaves a custom scheme's alone.
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
