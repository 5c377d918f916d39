import type { BrowserWindowConstructorOptions, Rectangle, WebPreferences } from 'electron';

/** The till screen must fit the smallest terminal the issue names: 1024×768. */
export const TILL_MIN_WIDTH = 1024;
export const TILL_MIN_HEIGHT = 768;

export function tillWindowOptions(options: { kiosk: boolean; webPreferences: WebPreferences }): BrowserWindowConstructorOptions {
  return {
    title: 'Alipay Till',
    width: TILL_MIN_WIDTH,
    height: TILL_MIN_HEIGHT,
    minWidth: TILL_MIN_WIDTH,
    minHeight: TILL_MIN_HEIGHT,
    kiosk: options.kiosk,
    autoHideMenuBar: true,
    // Shown once the first frame is drawn, so the cashier never sees a blank window.
    show: false,
    webPreferences: options.webPreferences,
  };
}

/** Fullscreen on the given display, without a frame or taskbar entry: the customer only looks at it. */
export function customerWindowOptions(options: { bounds: Rectangle; webPreferences: WebPreferences }): BrowserWindowConstructorOptions {
  const { x, y, width, height } = options.bounds;
  return {
    title: 'Alipay Till — customer display',
    x,
    y,
    width,
    height,
    fullscreen: true,
    frame: false,
    skipTaskbar: true,
    autoHideMenuBar: true,
    show: false,
    webPreferences: options.webPreferences,
  };
}
