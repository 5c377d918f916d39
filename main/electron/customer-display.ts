import type { Rectangle } from 'electron';

/**
 * The customer-facing window lives on a second display while one is connected: it opens
 * when a display is plugged in and closes when its display goes away.
 */

export interface DisplayLike {
  readonly id: number;
  readonly bounds: Rectangle;
}

/** The first display that is not the primary one (the cashier's), or null with one display. */
export function pickCustomerDisplay(displays: readonly DisplayLike[], primaryId: number): DisplayLike | null {
  return displays.find((display) => display.id !== primaryId) ?? null;
}

export interface ScreenLike {
  getAllDisplays(): DisplayLike[];
  getPrimaryDisplay(): DisplayLike;
  on(event: 'display-added' | 'display-removed', listener: () => void): unknown;
  removeListener(event: 'display-added' | 'display-removed', listener: () => void): unknown;
}

export interface CustomerWindowLike {
  isDestroyed(): boolean;
  close(): void;
  once(event: 'closed', listener: () => void): unknown;
}

export interface CustomerDisplayFollower {
  /** Stops following and closes the customer window. */
  close(): void;
}

export function followCustomerDisplay(options: {
  screen: ScreenLike;
  open: (display: DisplayLike) => CustomerWindowLike;
}): CustomerDisplayFollower {
  const { screen, open } = options;
  let current: { window: CustomerWindowLike; displayId: number } | null = null;

  const closeWindow = (): void => {
    const window = current?.window;
    current = null;
    if (window && !window.isDestroyed()) window.close();
  };

  const sync = (): void => {
    const target = pickCustomerDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay().id);
    if (current && current.displayId !== target?.id) closeWindow();
    if (target && !current) {
      const window = open(target);
      const entry = { window, displayId: target.id };
      current = entry;
      window.once('closed', () => {
        if (current === entry) current = null;
      });
    }
  };

  screen.on('display-added', sync);
  screen.on('display-removed', sync);
  sync();

  return {
    close() {
      screen.removeListener('display-added', sync);
      screen.removeListener('display-removed', sync);
      closeWindow();
    },
  };
}
