import type { TillLog } from '../config/till-log';
import fs from 'node:fs';
import os from 'node:os';
import { createKeychain } from '../../native/keychain';
import type { SqliteDatabase } from '../../native/sqlite';
import { AlipayClient } from '../alipay/client';
import { CheckoutEngine } from '../checkout/engine';
import { Journal } from '../journal/journal';
import type { MerchantSetup } from '../alipay/precreate-body';
import { GatewayTransport } from '../alipay/transport';
import { getConfig, isSandboxProfile, type ProfileMode, type TillConfig } from '../config/settings-schema';
import { assertModeFitsGateway } from '../config/profile-mode';
import { openTillDatabase, resolveDataDir } from '../config/data-dir';
import { KeyVault } from '../config/key-vault';
import { ensureProfile, type Profile } from '../config/profile';
import { SettingsStore } from '../config/settings-store';
import { TillDeviceSlot } from '../devices/device-slot';
import { TillError } from '../errors';

/**
 * One place that puts a till together from its data directory: the database, the
 * configuration, the keychain and a gateway client. The CLI and (later) the hosts use it,
 * so every entry point sees the same keys, settings and rules.
 */

export interface Till {
  dataDir: string;
  db: SqliteDatabase;
  settings: SettingsStore;
  profile: Profile;
  vault: KeyVault;
  config(): TillConfig;
  sandbox(): boolean;
  client(): AlipayClient;
  journal: Journal;
  /** The checkout engine; not started until start() is called on it (recovery). */
  engine(): CheckoutEngine;
  /**
   * The serial printer and customer display (opened on demand: devices.get()). The engine
   * prints and shows through them when it is created while a device is enabled, or once
   * they are opened.
   */
  devices: TillDeviceSlot;
  merchantSetup(): MerchantSetup;
  /**
   * After settings were saved while the till runs (supervisor screen): a new gateway client
   * for gateway/client/merchant changes, the engine's payment window and poll interval for
   * new polls. The merchant setup is read per order already.
   */
  settingsChanged(keys: readonly string[]): void;
  close(): Promise<void>;
  /** A person stopped waiting: drop the gateway requests in flight, so close() need not wait for them. */
  abandonInFlight(): void;
}

const CLIENT_KEYS = /^(gateway\.|client\.id$|merchant\.id$)/;

export function openTill(options: { dataDir?: string; log?: TillLog } = {}): Till {
  const dataDir = resolveDataDir({ flag: options.dataDir });
  const db = openTillDatabase(dataDir);
  const settings = new SettingsStore(db);
  const profile = ensureProfile(settings);
  const vault = new KeyVault(createKeychain(profile.id));
  let client: AlipayClient | undefined;
  let engine: CheckoutEngine | undefined;
  const journal = new Journal(db);
  const config = (): TillConfig => getConfig(settings);
  const sandbox = (): boolean => isSandboxProfile(config());
  const getClient = (): AlipayClient => (client ??= createClient(config(), vault, () => config()['profile.mode']));
  const devices = new TillDeviceSlot({ db, storeName: () => config()['store.name'], sandbox });
  return {
    dataDir,
    db,
    settings,
    profile,
    vault,
    config,
    sandbox,
    client: getClient,
    journal,
    engine() {
      if (!engine) {
        const c = config();
        engine = new CheckoutEngine({
          journal,
          client: getClient,
          setup: () => merchantSetup(config()),
          settings: { paymentWindowMs: c['payment.windowSeconds'] * 1000, pollIntervalMs: c['payment.pollIntervalMs'] },
        });
        devices.follow(engine);
        // Every gateway exchange is a line of the till's log: codes and times, never a body.
        const log = options.log;
        if (log) engine.on('exchange', (e) => log.log(e.outcome === 'U' ? 'warn' : 'info', 'gateway exchange', { ...e }));
      }
      return engine;
    },
    devices,
    merchantSetup: () => merchantSetup(config()),
    settingsChanged(keys) {
      const c = config();
      if (client && keys.some((key) => CLIENT_KEYS.test(key))) {
        const old = client;
        client = undefined;
        // Requests already in flight on the old client finish (or time out) first.
        setTimeout(() => void old.close().catch(() => undefined), c['gateway.timeoutMs'] + 1_000).unref();
      }
      if (engine) {
        engine.configure({ paymentWindowMs: c['payment.windowSeconds'] * 1000, pollIntervalMs: c['payment.pollIntervalMs'] });
      }
    },
    abandonInFlight() {
      client?.abandon();
    },
    async close() {
      await engine?.stop();
      await devices.close();
      await client?.close();
      db.close();
    },
  };
}

function readCa(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new TillError('CONFIG_INVALID', `gateway.caFile cannot be read: ${(cause as Error).message}`, { field: 'gateway.caFile', cause });
  }
}

/** `mode` is read at every request (default: the mode in `config`). */
export function createClient(config: TillConfig, vault: KeyVault, mode: () => ProfileMode = () => config['profile.mode']): AlipayClient {
  const transport = new GatewayTransport({
    baseUrl: config['gateway.baseUrl'],
    caPem: readCa(config['gateway.caFile']),
    pinSha256: config['gateway.pinSha256'],
    connectTimeoutMs: config['gateway.connectTimeoutMs'],
    timeoutMs: config['gateway.timeoutMs'],
  });
  // profile.mode says which key vouches for answers, never the URL: on a sandbox profile the
  // built-in gateway's own key plays Alipay's (no key to import), and only on loopback; a
  // live profile checks with the imported Alipay key, and without one nothing is sent (the
  // client loads both keys before the first byte). Read at every request, so a switch made
  // at the terminal (`till config set`, another process) holds for a running till at once.
  const keyForAnswers = async () => {
    const current = mode();
    assertModeFitsGateway(current, config['gateway.baseUrl'], 'profile.mode');
    return current === 'sandbox' ? vault.getSandboxGatewayPublicKey() : vault.getAlipayPublicKey();
  };
  assertModeFitsGateway(mode(), config['gateway.baseUrl'], 'profile.mode');
  return new AlipayClient({
    transport,
    clientId: config['client.id'],
    merchantId: config['merchant.id'],
    keys: {
      merchantPrivateKey: () => vault.getMerchantPrivateKey(),
      alipayPublicKey: keyForAnswers,
      isvAccessToken: async () => (await vault.getIsvToken()) ?? undefined,
    },
  });
}

function offsetName(date = new Date()): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function merchantSetup(config: TillConfig): MerchantSetup {
  return {
    merchantId: config['merchant.id'],
    seller: {
      sellerId: config['seller.id'],
      sellerMCC: config['seller.mcc'],
      sellerName: config['seller.name'],
      sellerEngName: config['seller.engName'],
      storeId: config['store.id'],
      storeMCC: config['store.mcc'],
      storeName: config['store.name'],
      storeEngName: config['store.engName'],
      terminalId: config['terminal.id'],
      operatorId: config['operator.id'],
    },
    site: config.site,
    settleContractId: config.settleContractId,
    notifyUrl: config.notifyUrl,
    merchantRedirectUrl: config.merchantRedirectUrl,
    businessType: config['trade.businessType'],
    otherBusinessType: config['trade.otherBusinessType'],
    device: {
      serialNo: config['terminal.id'],
      deviceName: os.hostname(),
      osName: os.platform(),
      osVersion: os.release(),
      systemLanguage: config.locale.toUpperCase(),
      timeZone: offsetName(),
    },
  };
}
