import path from 'node:path';
import { app, BrowserWindow, crashReporter, dialog, ipcMain, Menu, protocol, screen, session, type BrowserWindowConstructorOptions } from 'electron';
import { resolveDataDir } from '../config/data-dir';
import { startTillServices } from '../runtime/till-services';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, CUSTOMER_PAGE_URL, TILL_PAGE_URL } from './app-origin';
import { createAppProtocolHandler } from './app-protocol';
import { followCustomerDisplay, type CustomerDisplayFollower } from './customer-display';
import { EXPORT_FOLDER_NAME, saveExportsWithoutDialog } from './export-downloads';
import { dataDirFromArgv, debugSwitches } from './host-args';
import { hostPaths } from './host-paths';
import { createIpcBridge } from './ipc-bridge';
import { quitCleanly } from './quit-cleanly';
import { reloadWhenGone } from './reload-when-gone';
import { installSessionSecurity } from './session-security';
import { bringToFront, claimSingleInstance } from './single-instance';
import { uiSettingsOf } from './ui-settings';
import { guardEveryWebContents } from './web-contents-guards';
import { secureWebPreferences } from './web-preferences';
import { customerWindowOptions, tillWindowOptions } from './window-options';
import { main as runTillCommand } from '../cli/till';
import { tillCommandArgs } from './till-command';
import { followUpdates, type UpdateFollower } from './app-updates';

// The Electron host: wiring only. Every setting it applies is a tested function of its own.

// A packaged till refuses debugging switches before anything else (host-args.ts).
const refused = app.isPackaged ? debugSwitches(process.argv) : [];
if (refused.length > 0) {
  process.stderr.write(`Alipay Till: refusing to start with ${refused.map((s) => s.split('=', 1)[0]).join(', ')}: a packaged till takes no debugging switches.\n`);
  app.exit(2);
}

// `alipay-till till …`: the till command, answered here, with no window (till-command.ts).
const tillArgs = refused.length === 0 ? tillCommandArgs(process.argv, app.isPackaged) : null;
if (tillArgs !== null) {
  void runTillCommand(tillArgs).then((code) => app.exit(code));
}

// Crashes of the app's processes leave local dumps in the data directory (never uploaded):
// docs/operations.md, "Logs". Before 'ready', as Electron asks.
if (tillArgs === null && refused.length === 0) {
  app.setPath('crashDumps', path.join(resolveDataDir({ flag: dataDirFromArgv(process.argv) }), 'crashes'));
  crashReporter.start({ uploadToServer: false });
}

// Both must happen before 'ready'.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();
guardEveryWebContents(app);

let tillWindow: BrowserWindow | null = null;

if (tillArgs === null && refused.length === 0 && claimSingleInstance(app, () => bringToFront(tillWindow))) {
  app.whenReady().then(start).catch((error: unknown) => {
    dialog.showErrorBox('Alipay Till cannot start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
}

async function start(): Promise<void> {
  // A packaged till has no menu: its shortcuts (reload, devtools, quit) are not the cashier's.
  if (app.isPackaged) Menu.setApplicationMenu(null);
  const paths = hostPaths();
  installSessionSecurity(session.defaultSession);
  saveExportsWithoutDialog(session.defaultSession, { folder: () => path.join(app.getPath('downloads'), EXPORT_FOLDER_NAME), log: (line) => console.log(line) });
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: paths.rendererDir }));

  const dataDir = dataDirFromArgv(process.argv);
  // Updates only for a packaged app (app-updates.ts); their state shows on the supervisor screen.
  let updates: UpdateFollower | null = null;
  const services = await startTillServices({ ...(dataDir !== undefined ? { dataDir } : {}), embeddedSandbox: 'auto', owner: 'Electron app', updateStatus: () => updates?.status() ?? null });
  if (app.isPackaged) updates = followUpdates({ journal: () => services.till.journal, log: (line) => console.log(line), changed: () => services.router.statusChanged() });
  const bridge = createIpcBridge({ ipcMain, router: services.router });
  let follower: CustomerDisplayFollower | null = null;
  quitCleanly(app, {
    close: async () => {
      updates?.close();
      follower?.close();
      bridge.close();
      await services.close();
    },
    onError: (error) => console.error('closing the till failed:', error instanceof Error ? error.message : error),
  });

  const ui = uiSettingsOf(services.till.config());
  const webPreferences = secureWebPreferences({ preload: paths.preload, devTools: !app.isPackaged });
  const open = (name: string, options: BrowserWindowConstructorOptions, url: string, show: (window: BrowserWindow) => void): BrowserWindow => {
    const window = new BrowserWindow(options);
    // Before the page loads, so the preload's first call finds its connection.
    bridge.attach(window.webContents);
    reloadWhenGone(window.webContents, { name, log: (line) => console.error(line) });
    window.once('ready-to-show', () => show(window));
    window.loadURL(url).catch((error: unknown) => console.error(`loading ${url} failed:`, error instanceof Error ? error.message : error));
    return window;
  };

  tillWindow = open('till', tillWindowOptions({ kiosk: ui.kiosk, webPreferences }), TILL_PAGE_URL, (window) => window.show());
  tillWindow.on('closed', () => {
    tillWindow = null;
    follower?.close();
  });
  if (ui.customerWindow !== 'off') {
    follower = followCustomerDisplay({
      screen,
      // showInactive: the customer display must not take the keyboard from the till.
      open: (display) => open('customer', customerWindowOptions({ bounds: display.bounds, webPreferences }), CUSTOMER_PAGE_URL, (window) => window.showInactive()),
    });
  }
}
