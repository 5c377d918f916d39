import { isAppUrl } from './app-origin';
import { installSessionSecurity, type SessionLike } from './session-security';

/**
 * Every webContents of the app (our windows and anything Chromium creates) stays on
 * `app://till`: navigation and redirects elsewhere are stopped, new windows and
 * `<webview>` refused (docs/protocol.md §8). Nothing here opens a link outside (no shell.openExternal).
 */

export interface NavigationEventLike {
  readonly url: string;
  preventDefault(): void;
}

export interface PreventableEventLike {
  preventDefault(): void;
}

export interface GuardedWebContents {
  on(event: 'will-navigate', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEventLike) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export function stayOnAppOrigin(event: NavigationEventLike): void {
  if (!isAppUrl(event.url)) event.preventDefault();
}

export function installWebContentsGuards(contents: GuardedWebContents): void {
  contents.on('will-navigate', stayOnAppOrigin);
  contents.on('will-frame-navigate', stayOnAppOrigin);
  contents.on('will-redirect', stayOnAppOrigin);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export interface AppWithWebContentsHook {
  on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedWebContents & { readonly session: SessionLike }) => void): unknown;
}

/** Before any window exists, so no webContents escapes the guards. */
export function guardEveryWebContents(app: AppWithWebContentsHook): void {
  app.on('web-contents-created', (_event, contents) => {
    installWebContentsGuards(contents);
    installSessionSecurity(contents.session);
  });
}
