import path from 'node:path';
import type { TillConfig } from '../config/settings-schema';
import type { ChromiumFound, ChromiumWindow } from './chromium';

/**
 * Which Chromium windows the web host opens, decided from facts gathered elsewhere, so the
 * decision is tested without a browser. The web host cannot see whether a second screen is
 * connected, so the customer window opens only when asked for with --customer-window, and
 * never while ui.customerWindow is off (the supervisor's setting wins over a start flag).
 */

export type UiSettings = Pick<TillConfig, 'ui.kiosk' | 'ui.customerWindow'>;

export interface BrowserFacts {
  /** --no-browser not given. */
  wanted: boolean;
  customerWindow: boolean;
  ui: UiSettings;
  chromium: ChromiumFound;
  /** From displayProblem(): null when a window can be shown. */
  display: string | null;
  asRoot: boolean;
  dataDir: string;
  urls: { till: string; customer: string };
}

export type BrowserPlan =
  | {
      launch: true;
      executable: string;
      windows: Array<{ name: 'till' | 'customer'; window: ChromiumWindow; logFile: string }>;
      /** Why an asked-for customer window is not opened. */
      note?: string;
    }
  | { launch: false; reason: string };

export function planBrowser(facts: BrowserFacts): BrowserPlan {
  if (!facts.wanted) return { launch: false, reason: '--no-browser' };
  if (facts.display !== null) return { launch: false, reason: facts.display };
  if (!facts.chromium.ok) return { launch: false, reason: facts.chromium.reason };
  const base = path.join(facts.dataDir, 'chromium');
  const windowOf = (name: 'till' | 'customer', url: string, kiosk: boolean) => ({
    name,
    // A profile per window: two app windows on one profile would be one Chromium process
    // (the second launch hands over and exits), which could not be closed on its own.
    window: { url, userDataDir: path.join(base, name), kiosk, asRoot: facts.asRoot },
    logFile: path.join(base, `${name}.log`),
  });
  const windows = [windowOf('till', facts.urls.till, facts.ui['ui.kiosk'])];
  if (facts.customerWindow && facts.ui['ui.customerWindow'] === 'off') {
    return { launch: true, executable: facts.chromium.executable, windows, note: 'no customer window: ui.customerWindow is off' };
  }
  if (facts.customerWindow) windows.push(windowOf('customer', facts.urls.customer, false));
  return { launch: true, executable: facts.chromium.executable, windows };
}
