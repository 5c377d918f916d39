import fs from 'node:fs';
import path from 'node:path';
import { isTillError } from '../errors';
import { startTillServices } from '../runtime/till-services';
import { planBrowser } from './browser-plan';
import { removeLaunchFiles, writeLaunchFile, writeUrlFile } from './launch-file';
import { displayProblem, findChromium, launchChromium, runningAsRoot, type LaunchedChromium } from './chromium';
import { parseStartWebArgs, START_WEB_USAGE, StartWebUsageError } from './start-web-args';
import { defaultStaticDir } from './static-files';
import { startWebHost, type WebHost } from './web-host';

/**
 * `node dist/main/web/start-web.js`: the till in a browser. Services (journal, engine,
 * devices, the embedded sandbox on a fresh profile), the web host, then Chromium in app mode,
 * or the URL printed when there is no Chromium or no display. Stdout carries one line a
 * person reads and one a program parses: `ready <till url>`. Ctrl-C closes it all in order.
 */

const say = (line: string) => process.stdout.write(`${line}\n`);
const warn = (line: string) => process.stderr.write(`start-web: ${line}\n`);

function stopRequested(): Promise<string> {
  return new Promise((resolve) => {
    let asked = false;
    const onSignal = (signal: NodeJS.Signals) => {
      // A second Ctrl-C while closing means "now".
      if (asked) process.exit(130);
      asked = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseStartWebArgs(argv);
  } catch (error) {
    if (!(error instanceof StartWebUsageError)) throw error;
    warn(error.message);
    return 2;
  }
  if (args.help) {
    say(`usage: ${START_WEB_USAGE}`);
    return 0;
  }
  const stop = stopRequested();

  const services = await startTillServices({ ...(args.dataDir !== undefined ? { dataDir: args.dataDir } : {}), embeddedSandbox: 'auto', owner: 'web host' });
  const windows: LaunchedChromium[] = [];
  let web: WebHost;
  try {
    web = await startWebHost({ router: services.router, port: args.port, log: warn });
  } catch (error) {
    await services.close();
    throw error;
  }
  let stopping = false;
  const launchDir = path.join(services.till.dataDir, 'chromium', 'launch');
  const shutDown = async (): Promise<void> => {
    stopping = true;
    await Promise.all(windows.map((window) => window.close()));
    removeLaunchFiles(launchDir);
    await web.close();
    await services.close();
  };

  try {
    if (!fs.existsSync(path.join(defaultStaticDir(), 'index.html'))) {
      warn(`the renderer build is missing (${defaultStaticDir()}): run npm run build`);
    }
    // The token is printed only to a person at a terminal; a service's journal keeps stdout.
    const shown = process.stdout.isTTY === true ? { till: web.url, customer: web.customerUrl } : { till: `${web.origin}/`, customer: `${web.origin}/#/customer` };
    const parts = [`Till: ${shown.till}`, `Customer display: ${shown.customer}`];
    if (services.sandboxUrl !== null) parts.push(`Sandbox gateway: ${services.sandboxUrl}`);
    say(parts.join('  '));
    if (process.stdout.isTTY !== true) say('(the screens\' addresses carry a token: they are printed on a terminal, or written with --url-file FILE)');
    if (args.urlFile !== undefined) writeUrlFile(args.urlFile, { till: web.url, customer: web.customerUrl, supervisor: web.supervisorUrl });
    say(`ready ${shown.till}`);

    const plan = planBrowser({
      wanted: args.browser,
      customerWindow: args.customerWindow,
      ui: services.till.config(),
      chromium: findChromium(),
      display: displayProblem(),
      asRoot: runningAsRoot(),
      dataDir: services.till.dataDir,
      urls: { till: web.url, customer: web.customerUrl },
    });
    let tillWindowClosed: Promise<string> = new Promise(() => {});
    if (!plan.launch) {
      if (args.browser) say(`Chromium not started (${plan.reason}): open the URL above in a browser on this machine.`);
    } else {
      if (plan.note !== undefined) say(plan.note);
      for (const { name, window, logFile } of plan.windows) {
        let launched: LaunchedChromium;
        try {
          // A launch page, so no token is on Chromium's command line (launch-file.ts).
          launched = launchChromium(plan.executable, { ...window, url: writeLaunchFile(launchDir, name, window.url) }, logFile);
        } catch (error) {
          // Its profile or log could not be made: the till still serves its URL.
          warn(`the ${name} window could not be started: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        windows.push(launched);
        if (name === 'till') tillWindowClosed = closedByUser(launched, web.origin, logFile, () => stopping);
      }
    }

    const why = await Promise.race([stop, tillWindowClosed]);
    say(`stopping (${why})`);
  } finally {
    await shutDown();
  }
  return 0;
}

/**
 * Closing the till window ends the till, as closing the Electron window does. A Chromium that
 * fails (a crash, a sandbox it cannot set up) leaves the host running with its URL printed.
 */
function closedByUser(window: LaunchedChromium, url: string, logFile: string, stopping: () => boolean): Promise<string> {
  return new Promise((resolve) => {
    void window.exited.then((code) => {
      if (stopping()) return;
      if (code === 0) resolve('the till window was closed');
      else warn(`Chromium ended with ${code === null ? 'a signal' : `code ${code}`} (log: ${logFile}); the till still answers on ${url}`);
    });
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (isTillError(error)) warn(`${error.message} [${error.code}]`);
    else warn(`could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
