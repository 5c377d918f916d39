/**
 * A renderer that crashes or is killed (out of memory, a GPU fault) would leave the cashier
 * in front of a blank window until someone restarts the terminal. The till's state lives in
 * the main process, so reloading the page loses nothing: it asks the router again. A page
 * that keeps dying is not reloaded in a loop; the log says so and the window stays.
 */

export interface GoneDetails {
  reason: string;
  exitCode?: number;
}

export interface ReloadableContents {
  on(event: 'render-process-gone', listener: (event: unknown, details: GoneDetails) => void): unknown;
  reload(): void;
  isDestroyed(): boolean;
}

export interface ReloadPolicy {
  delayMs: number;
  /** At most this many reloads within `windowMs`. */
  maxReloads: number;
  windowMs: number;
}

export const DEFAULT_RELOAD_POLICY: ReloadPolicy = { delayMs: 1_000, maxReloads: 3, windowMs: 60_000 };

export function reloadWhenGone(
  contents: ReloadableContents,
  options: { name: string; log: (line: string) => void; policy?: ReloadPolicy; now?: () => number; schedule?: (run: () => void, ms: number) => void },
): void {
  const policy = options.policy ?? DEFAULT_RELOAD_POLICY;
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? ((run, ms) => void setTimeout(run, ms));
  const reloads: number[] = [];
  contents.on('render-process-gone', (_event, details) => {
    // clean-exit: the window is closing, not crashing.
    if (details.reason === 'clean-exit') return;
    const at = now();
    while (reloads.length > 0 && at - reloads[0]! > policy.windowMs) reloads.shift();
    if (reloads.length >= policy.maxReloads) {
      options.log(`the ${options.name} screen stopped again (${details.reason}); ${reloads.length} reloads in the last ${policy.windowMs / 1000} s, not reloading it`);
      return;
    }
    reloads.push(at);
    options.log(`the ${options.name} screen stopped (${details.reason}${details.exitCode === undefined ? '' : `, exit ${details.exitCode}`}); reloading it`);
    schedule(() => {
      if (!contents.isDestroyed()) contents.reload();
    }, policy.delayMs);
  });
}
