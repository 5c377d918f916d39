/**
 * Quitting waits for the till's services to close (engine stopped, devices and journal
 * closed), whether the last window closed or the app was asked to quit.
 */

export interface QuittingApp {
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export function quitCleanly(app: QuittingApp, options: { close: () => Promise<void>; onError: (error: unknown) => void }): void {
  let state: 'running' | 'closing' | 'closed' = 'running';

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    options
      .close()
      .catch(options.onError)
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
}
