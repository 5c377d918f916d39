import type { WebPreferences } from 'electron';

/**
 * The webPreferences of every window of the till (docs/protocol.md §8): the page gets no Node, runs
 * sandboxed and isolated from the preload, and the preload is the only bridge.
 */
export function secureWebPreferences(options: { preload: string; devTools: boolean }): WebPreferences {
  return {
    preload: options.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // A packaged till has no developer tools: the keyboard shortcut would open a console in kiosk mode.
    devTools: options.devTools,
  };
}
