import { withContentSecurityPolicy } from './content-security-policy';

/**
 * What a session of the till allows: no permission at all (camera, notifications, serial,
 * HID, …: the main process owns the devices), and our CSP on every response it receives.
 */

export interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  readonly webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

const secured = new WeakSet<SessionLike>();

/** Idempotent: the web-contents-created hook calls it for every session a page lands in. */
export function installSessionSecurity(session: SessionLike): void {
  if (secured.has(session)) return;
  secured.add(session);
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
}
