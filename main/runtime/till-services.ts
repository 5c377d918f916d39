import { openTillLogOrEcho } from '../config/till-log';
import { appVersion } from '../config/app-version';
import type { UpdateView } from '../../preload/contract';
import { createPublicKey } from 'node:crypto';
import * as net from 'node:net';
import { startSandbox, type SandboxClient, type SandboxHandle } from '../alipay/sandbox/server';
import type { BookStore } from '../alipay/sandbox/book-store';
import { ensureDataDir, resolveDataDir } from '../config/data-dir';
import type { KeyVault } from '../config/key-vault';
import { isTillError } from '../errors';
import type { RouterServices } from '../ipc/call-context';
import { createRouter } from '../ipc/router';
import type { Router } from '../ipc/router-types';
import { linkedStoreClient } from '../sync/join-store';
import { readStoreLink } from '../sync/store-link';
import { StoreSync } from '../sync/store-sync';
import { claimTillHost } from './host-lock';
import { openTill, type Till } from './open-till';
import { sandboxBookFile } from './sandbox-book-file';

/**
 * Everything a host (Electron or web) runs behind its screens, started in one call: the
 * till of a data directory, its engine (recovery of unresolved orders), its devices, the
 * router, and on a fresh sandbox profile a merchant key and the built-in sandbox gateway
 * in this process, so `npm start` alone gives a till that takes (pretend) payments. Keys
 * stay here, in the main process; the hosts only get the router.
 */

export interface TillServicesOptions {
  dataDir?: string;
  /**
   * 'auto' (default): on the sandbox profile, when nothing answers at gateway.baseUrl, run
   * the built-in sandbox there. 'never': leave it to `till sandbox` (tests, a shared gateway).
   */
  embeddedSandbox?: 'auto' | 'never';
  log?: (line: string) => void;
  /** Named to a second till refused on the same data directory: "web host", "Electron app". */
  owner?: string;
  /** Router settings for tests (clock, session idle time, lockout). */
  router?: Pick<RouterServices, 'now' | 'sessionIdleMs' | 'lockout'>;
  /** A downloaded update and what it waits for (the Electron host's updater), shown in the status. */
  updateStatus?: () => UpdateView | null;
}

export interface TillServices {
  till: Till;
  router: Router;
  /** The built-in sandbox started here, or null (live profile, 'never', or one already answering). */
  sandboxUrl: string | null;
  /** Stops the router, the engine, the devices, the database and the sandbox, in that order. */
  close(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 500;

function stderrLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The sandbox profile signs with a generated key, as `till sandbox` does on first use. */
export async function ensureMerchantKey(vault: KeyVault, log: (line: string) => void): Promise<void> {
  try {
    await vault.getMerchantPrivateKey();
  } catch (error) {
    if (!isTillError(error, 'KEY_MISSING')) throw error;
    const info = await vault.generateMerchantKey();
    log(`Generated a merchant key for this sandbox profile (fingerprint ${info.fingerprint}).`);
  }
}

/** This till as the sandbox gateway knows it: its ids and its merchant public key. */
async function sandboxClientOf(till: Till): Promise<SandboxClient> {
  const config = till.config();
  return { clientId: config['client.id'], merchantId: config['merchant.id'], publicKey: createPublicKey(await till.vault.getMerchantPrivateKey()) };
}

function somethingAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The built-in gateway on gateway.baseUrl's port, unless something already serves it; undefined when not started. */
export async function startEmbeddedSandbox(till: Till, log: (line: string) => void): Promise<SandboxHandle | undefined> {
  const url = new URL(till.config()['gateway.baseUrl']);
  if (url.protocol !== 'http:') {
    log(`gateway.baseUrl ${url.origin} is https: the built-in sandbox is not started here (run \`till sandbox --tls-cert … --tls-key …\`).`);
    return undefined;
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const host = hostname === 'localhost' ? '127.0.0.1' : hostname;
  const port = Number(url.port || '80');
  if (await somethingAnswers(host, port)) return undefined;
  let store: BookStore | undefined;
  try {
    store = sandboxBookFile(till.dataDir);
    return await startSandbox({
      host,
      port,
      gatewayPrivateKey: await till.vault.getSandboxGatewayPrivateKey(),
      clients: [await sandboxClientOf(till)],
      log,
      store,
    });
  } catch (error) {
    store?.close();
    // The till still starts: orders wait offline until a gateway answers.
    log(`The built-in sandbox could not start on ${url.origin}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/**
 * A sandbox profile with a real gateway's address (stored by an older till or by hand) is
 * refused at start-up, never run either way: the host stops with the reason, and a
 * blocking CONFIG alarm stays in the journal, so once it is fixed (at the terminal) a
 * supervisor still looks at what happened before payments resume.
 */
function refuseModeMismatch(till: Till): void {
  try {
    till.config();
  } catch (error) {
    if (!isTillError(error, 'PROFILE_MODE_MISMATCH')) throw error;
    till.journal.raiseAlarm({
      kind: 'CONFIG',
      code: error.code,
      message: `The till refused to start: ${error.message} Once fixed, a supervisor clears this alarm to take payments again.`,
      actor: 'recovery',
    });
    throw error;
  }
}

export async function startTillServices(options: TillServicesOptions = {}): Promise<TillServices> {
  const dataDir = ensureDataDir(resolveDataDir({ flag: options.dataDir }));
  // Before the journal is opened (or migrated) and anything starts: a second app stops here.
  const releaseHost = claimTillHost(dataDir, options.owner ?? 'till app');
  // Every line the services log goes to the data directory's log (config/till-log.ts), and
  // on to the host's stderr as before.
  const tillLog = openTillLogOrEcho(dataDir, { echo: options.log ?? stderrLog });
  const log = (line: string) => tillLog.info(line);
  // A monitor, not a handler: it logs what is about to end the process (an uncaught
  // exception, or a rejection Node raises as one) without changing that it ends.
  const onException = (error: unknown, origin: string) =>
    tillLog.error(origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      stack: error instanceof Error ? error.stack?.split('\n').slice(1, 6).join(' | ') : undefined,
    });
  process.on('uncaughtExceptionMonitor', onException);

  const stopLogging = () => {
    process.off('uncaughtExceptionMonitor', onException);
    tillLog.close();
  };
  let till: Till;
  try {
    till = openTill({ dataDir, log: tillLog });
  } catch (error) {
    tillLog.error('the till could not open its data directory', { error: error instanceof Error ? error.message : String(error) });
    stopLogging();
    releaseHost();
    throw error;
  }
  try {
    refuseModeMismatch(till);
  } catch (error) {
    tillLog.error('the till refused to start', { error: error instanceof Error ? error.message : String(error) });
    await till.close();
    stopLogging();
    releaseHost();
    throw error;
  }
  let sandbox: SandboxHandle | undefined;
  let router: Router | undefined;
  // The journal goes to the store server in the background (main/sync); a sale never waits
  // for it. It looks for a link on every pass, so `till store join` takes effect while the
  // till runs.
  const storeSync = new StoreSync({ journal: till.journal, link: () => readStoreLink(till.settings), client: () => linkedStoreClient(till), log });
  const nudge = () => storeSync.nudge();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      router?.close();
      till.engine().off('order', nudge).off('refund', nudge).off('alarm', nudge);
      await storeSync.stop();
      try {
        await till.close();
        await sandbox?.close();
      } finally {
        log('the till stopped');
        stopLogging();
        releaseHost();
      }
    })());

  // The sandbox learns the till's new key or ids at once, as a merchant would upload them.
  const reRegister = async () => {
    if (sandbox) sandbox.registerClient(await sandboxClientOf(till));
  };

  try {
    if (till.sandbox()) {
      await ensureMerchantKey(till.vault, log);
      if ((options.embeddedSandbox ?? 'auto') === 'auto') sandbox = await startEmbeddedSandbox(till, log);
    }
    till.engine().start();
    till.engine().on('order', nudge).on('refund', nudge).on('alarm', nudge);
    log(`the till started (version ${appVersion()}, data directory ${dataDir})`);
    storeSync.start();
    if (till.devices.anyEnabled()) till.devices.get().manager.start();
    router = createRouter({
      ...options.router,
      till,
      log,
      hooks: {
        merchantKeyChanged: reRegister,
        ...(options.updateStatus ? { updateStatus: options.updateStatus } : {}),
        settingsChanged: async (keys) => {
          till.settingsChanged(keys);
          if (keys.includes('client.id') || keys.includes('merchant.id')) await reRegister();
        },
      },
    });
    return { till, router, sandboxUrl: sandbox?.url ?? null, close };
  } catch (error) {
    await close();
    throw error;
  }
}
