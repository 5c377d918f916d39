import path from 'node:path';
import { SITES } from '../alipay/schemas';
import { TillError } from '../errors';
import { isPayableCurrency } from '../../preload/contract/minor-units';
import { ensureProfile, readProfile, type Profile } from './profile';
import { DEFAULT_BASE_URL, DEFAULT_MODE, PROFILE_MODES, assertModeFitsGateway, auditedWrite, isLoopbackHostname } from './profile-mode';
import type { SettingsStore } from './settings-store';

/*
 * The non-secret configuration the till understands, stored as strings in the settings
 * table. Each key has a description, a default fit for a fresh sandbox profile, and a
 * parser that validates and converts. Secrets (keys, PIN, tokens) are not here: they live
 * in the OS keychain.
 */

export { SITES, type Site } from '../alipay/schemas';
export { ensureProfileMode, isLoopbackHostname, PROFILE_MODES, TERMINAL_ONLY_KEYS, type ProfileMode } from './profile-mode';
export const LOCALES = ['en', 'zh-HK'] as const;
export type Locale = (typeof LOCALES)[number];
export const CUSTOMER_WINDOW_MODES = ['auto', 'off'] as const;
export type CustomerWindowMode = (typeof CUSTOMER_WINDOW_MODES)[number];

interface KeySpec<T> {
  readonly description: string;
  /** Optional keys may be empty (= not sent / not used); '' is then their default. */
  readonly optional: boolean;
  /** Raw default; terminal.id's comes from the profile, generated once. */
  readonly default: string | ((profile: Profile) => string);
  readonly parse: (raw: string) => T;
}

/** Thrown by parsers with the reason only; parseConfigValue adds the key and value. */
class Invalid extends Error {}

function fail(reason: string): never {
  throw new Invalid(reason);
}

function required<T>(description: string, defaultValue: KeySpec<T>['default'], parse: (raw: string) => T): KeySpec<T> {
  return { description, optional: false, default: defaultValue, parse };
}

function optional<T>(description: string, parse: (raw: string) => T): KeySpec<T | undefined> {
  return { description, optional: true, default: '', parse: (raw) => (raw === '' ? undefined : parse(raw)) };
}

/** Identifiers go to the gateway verbatim: over the limit is rejected, never cut (NOTES §5). */
function printable(maxChars: number) {
  return (raw: string): string => {
    if (!/^[\x20-\x7E]+$/.test(raw)) fail('must be printable ASCII');
    if (raw.length > maxChars) fail(`must be at most ${maxChars} characters (has ${raw.length})`);
    return raw;
  };
}

/** Names are limited in UTF-8 bytes, the strict reading of the gateway's String(N). */
function text(maxBytes: number) {
  return (raw: string): string => {
    if (/\p{Surrogate}/u.test(raw)) fail('contains an unpaired surrogate');
    const bytes = Buffer.byteLength(raw, 'utf8');
    if (bytes > maxBytes) fail(`must be at most ${maxBytes} bytes in UTF-8 (has ${bytes})`);
    return raw;
  };
}

function digits(maxChars: number) {
  return (raw: string): string => {
    if (!/^[0-9]+$/.test(raw)) fail('must be digits only');
    if (raw.length > maxChars) fail(`must be at most ${maxChars} digits`);
    return raw;
  };
}

function integer(min: number, max: number) {
  return (raw: string): number => {
    if (!/^[0-9]{1,9}$/.test(raw)) fail(`must be a whole number from ${min} to ${max}`);
    const value = Number(raw);
    if (value < min || value > max) fail(`must be from ${min} to ${max}`);
    return value;
  };
}

function boolean(raw: string): boolean {
  if (raw !== 'true' && raw !== 'false') fail('must be true or false');
  return raw === 'true';
}

function oneOf<const V extends readonly string[]>(values: V) {
  const isMember = (raw: string): raw is V[number] => (values as readonly string[]).includes(raw);
  return (raw: string): V[number] => {
    if (!isMember(raw)) fail(`must be one of ${values.join(', ')}`);
    return raw;
  };
}

function httpUrl(options: { maxBytes: number; httpOnlyOnLoopback: boolean; baseOnly?: boolean }) {
  return (raw: string): string => {
    const bytes = Buffer.byteLength(raw, 'utf8');
    if (bytes > options.maxBytes) fail(`must be at most ${options.maxBytes} bytes (has ${bytes})`);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      fail('is not a valid absolute URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('must be an https:// or http:// URL');
    if (url.username !== '' || url.password !== '') fail('must not contain a user name or password (no secrets in the database)');
    if (options.httpOnlyOnLoopback && url.protocol === 'http:' && !isLoopbackHostname(url.hostname)) {
      fail('may use plain http:// only for a loopback host (127.0.0.0/8, ::1, localhost); use https://');
    }
    if (options.baseOnly === true && (url.search !== '' || url.hash !== '')) fail('must not have a query or fragment (API paths are appended to it)');
    return raw;
  };
}

function absolutePath(raw: string): string {
  if (!path.isAbsolute(raw)) fail('must be an absolute path');
  if (raw.length > 4096) fail('must be at most 4096 characters');
  return raw;
}

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

function spkiPins(raw: string): readonly string[] {
  const pins = raw.split(',').map((pin) => pin.trim());
  for (const pin of pins) {
    if (!BASE64_SHA256.test(pin) || Buffer.from(pin, 'base64').length !== 32) {
      fail(`entry ${JSON.stringify(pin)} is not a base64 SHA-256 digest (44 characters ending in =); separate several with commas`);
    }
  }
  return Object.freeze(pins);
}

/** Payable ISO 4217 codes only (the shared ISO table): XAU/XDR ("N.A." minor unit) are refused. */
function currency(raw: string): string {
  if (!/^[A-Z]{3}$/.test(raw) || !isPayableCurrency(raw)) fail('must be a payable ISO 4217 currency code such as USD or HKD (not XAU, XDR or another code without a minor unit)');
  return raw;
}

/**
 * The gateway accepts types 1-5, one or several joined by "|" (tradeInformation.businessType),
 * but 1 (hotel), 2 (air) and 3 (study) need fields a till cannot fill (hotelName and
 * check-in dates, flight numbers and departure times, an admission notice URL): every
 * sale would fail. The till fills 4 (goods: goodsInfo and totalQuantity from the items)
 * and 5 (other: trade.otherBusinessType, checked across keys in assertConsistent).
 */
function businessType(raw: string): string {
  if (!/^[1-5](\|[1-5])*$/.test(raw)) fail('must be 4 (goods) or 5 (other), or 4|5');
  const types = raw.split('|');
  if (new Set(types).size !== types.length) fail('lists a type twice');
  const unfillable = types.filter((type) => !['4', '5'].includes(type));
  if (unfillable.length) {
    fail(`type ${unfillable.join(', ')} needs fields the till cannot fill (1 hotel: hotelName, checkInTime, checkOutTime; 2 air: flightNumber, departureTime; 3 study: admissionNoticeUrl); use 4 (goods) or 5 (other)`);
  }
  return raw;
}

const CONFIG_SPECS = {
  'profile.mode': required(
    'sandbox: pretend payments through the built-in sandbox gateway on this machine (loopback only), screens say SANDBOX; ' +
      'live: real payments, answers checked with the imported Alipay public key whatever the URL. ' +
      'Changed at the till only (till config set profile.mode); a fresh data directory is sandbox.',
    DEFAULT_MODE,
    oneOf(PROFILE_MODES),
  ),
  'gateway.baseUrl': required(
    'Base URL of the Alipay gateway; plain http only on loopback. A sandbox profile must use a loopback address.',
    DEFAULT_BASE_URL,
    httpUrl({ maxBytes: 2048, httpOnlyOnLoopback: true, baseOnly: true }),
  ),
  'gateway.caFile': optional('Absolute path of a PEM CA bundle to trust for the gateway instead of the system roots.', absolutePath),
  'gateway.pinSha256': optional(
    "Base64 SHA-256 of the gateway's public key (SPKI); several separated by commas. Empty: no pinning.",
    spkiPins,
  ),
  'gateway.connectTimeoutMs': required('Milliseconds to wait for the TCP/TLS connection to the gateway.', '5000', integer(100, 60_000)),
  'gateway.timeoutMs': required('Milliseconds to wait for a whole gateway response before the outcome counts as unknown.', '15000', integer(1_000, 120_000)),
  'client.id': required('Client ID assigned by Alipay (request head clientId).', 'SANDBOX_CLIENT', printable(32)),
  'merchant.id': required('Merchant (acquirer) ID assigned by Alipay (body merchantId).', 'SANDBOX_MERCHANT', printable(64)),
  'seller.id': required('Seller ID assigned by the acquirer (order.seller.sellerId).', 'SANDBOX_SELLER', printable(32)),
  'seller.name': required('Seller name shown to the customer (sellerName).', 'Sandbox Store', text(128)),
  'seller.engName': optional('English name of the seller (sellerEngName).', text(256)),
  'seller.mcc': required('Merchant category code of the seller (sellerMCC).', '5499', digits(32)),
  'store.id': required('Store ID (storeId).', 'STORE-1', printable(32)),
  'store.name': required('Store name (storeName).', 'Sandbox Store #1', text(128)),
  'store.caFile': optional('Absolute path of a PEM CA bundle to trust for the store server (till store join) instead of the system roots.', absolutePath),
  'store.engName': optional('English name of the store (storeEngName).', text(256)),
  'store.mcc': required('Merchant category code of the store (storeMCC).', '5499', digits(32)),
  'terminal.id': required(
    'POS terminal ID (terminalId). Defaults to an ID generated once for this profile.',
    (profile) => profile.generatedTerminalId,
    printable(64),
  ),
  'operator.id': optional('Operator ID sent with orders (operatorId).', printable(64)),
  'currency.default': required('Currency of new orders (ISO 4217).', 'USD', currency),
  site: required('Wallet site sent as userAgent: ALIPAY_CN, ALIPAY_HK, ALIPAY_SG or KAKAOPAY.', 'ALIPAY_HK', oneOf(SITES)),
  settleContractId: optional('Settlement contract ID; empty uses the contract default.', printable(64)),
  notifyUrl: optional('URL where Alipay posts payment notifications (for a merchant back end; the till itself polls).', httpUrl({ maxBytes: 256, httpOnlyOnLoopback: false })),
  merchantRedirectUrl: optional('URL the wallet opens after a successful payment.', httpUrl({ maxBytes: 512, httpOnlyOnLoopback: false })),
  'trade.businessType': optional('Trade business type: 4 (goods) or 5 (other, needs trade.otherBusinessType), or 4|5; 1-3 need fields the till cannot fill. Empty: 4 when items are given, else 5.', businessType),
  'trade.otherBusinessType': optional('Description of the business when the type is 5 (other).', text(256)),
  'backup.dir': optional('Absolute path of the folder for the daily journal backup taken after close-day (default: backups/ in the data directory).', absolutePath),
  'backup.keep': required('How many daily journal backups to keep (the oldest go first).', '14', integer(1, 3650)),
  'payment.windowSeconds': required('Seconds a QR stays payable before the order is cancelled.', '120', integer(10, 7200)),
  'payment.pollIntervalMs': required('Milliseconds between payment status queries while waiting.', '2000', integer(500, 60_000)),
  locale: required('Language of the screens and receipts: en or zh-HK.', 'en', oneOf(LOCALES)),
  'ui.kiosk': required('true: the till window opens full screen in kiosk mode; false: a normal window.', 'false', boolean),
  'ui.customerWindow': required(
    'auto: open the customer-facing window when a second display is connected (on the web host, when asked); off: never.',
    'auto',
    oneOf(CUSTOMER_WINDOW_MODES),
  ),
} satisfies Record<string, KeySpec<unknown>>;

export type ConfigKey = keyof typeof CONFIG_SPECS;
export type ConfigValue<K extends ConfigKey> = ReturnType<(typeof CONFIG_SPECS)[K]['parse']>;
/** Effective configuration, defaults applied, keyed by the dotted key names. */
export type TillConfig = { readonly [K in ConfigKey]: ConfigValue<K> };

export interface ConfigListing {
  readonly key: ConfigKey;
  /** The effective raw value ('' for an unset optional key). */
  readonly value: string;
  /** True when nothing is stored and the default applies. */
  readonly isDefault: boolean;
  readonly optional: boolean;
  readonly description: string;
}

export const CONFIG_KEYS: readonly ConfigKey[] = Object.freeze(Object.keys(CONFIG_SPECS) as ConfigKey[]);

export function isConfigKey(key: string): key is ConfigKey {
  return Object.prototype.hasOwnProperty.call(CONFIG_SPECS, key);
}

export function assertConfigKey(key: string): asserts key is ConfigKey {
  if (!isConfigKey(key)) {
    throw new TillError('CONFIG_UNKNOWN_KEY', `unknown configuration key ${JSON.stringify(key)}; known keys: ${CONFIG_KEYS.join(', ')}`, { field: key });
  }
}

export function describeConfigKey(key: ConfigKey): { description: string; optional: boolean } {
  const spec: KeySpec<unknown> = CONFIG_SPECS[key];
  return { description: spec.description, optional: spec.optional };
}

/** Validates one raw value without storing it (for forms and `till config set --dry-run`). */
export function parseConfigValue<K extends ConfigKey>(key: K, raw: string): ConfigValue<K>;
export function parseConfigValue(key: string, raw: string): unknown;
export function parseConfigValue(key: string, raw: string): unknown {
  assertConfigKey(key);
  const spec: KeySpec<unknown> = CONFIG_SPECS[key];
  try {
    if (typeof raw !== 'string') fail(`must be a string, got ${typeof raw}`);
    if (raw === '' && !spec.optional) fail('must not be empty');
    if (raw.trim() !== raw) fail('must not start or end with whitespace');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001F\u007F]/.test(raw)) fail('must not contain control characters');
    return spec.parse(raw);
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    throw new TillError('CONFIG_INVALID', `${key} ${error.message} (got ${preview(raw)})`, { field: key, cause: error });
  }
}

/** The last configuration read per store, with the store's stamp when it was read. */
const lastRead = new WeakMap<SettingsStore, { stamp: string; config: TillConfig }>();

/**
 * The typed configuration. Kept while the store's change stamp holds (no write here, no
 * commit by another connection), so a sale does not read and parse every setting again
 * (docs/performance.md); a stored value that is refused is refused at every call, never kept.
 */
export function getConfig(store: SettingsStore): TillConfig {
  const stamp = store.changeStamp();
  const kept = lastRead.get(store);
  if (stamp !== undefined && kept?.stamp === stamp) return kept.config;
  const config = readConfig(store);
  // ensureProfile may have written: keep it only if nothing changed while reading.
  if (stamp !== undefined && store.changeStamp() === stamp) lastRead.set(store, { stamp, config });
  return config;
}

function readConfig(store: SettingsStore): TillConfig {
  const profile = profileOf(store);
  const stored = storedValues(store);
  const config: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const raw = stored.get(key);
    try {
      config[key] = parseConfigValue(key, raw ?? defaultRaw(key, profile));
    } catch (error) {
      if (raw === undefined || !(error instanceof TillError)) throw error;
      // A stored value that an older till accepted: say it is stored, so the fix is obvious.
      throw new TillError(error.code, `stored ${error.message}; fix it with setConfig or unset it`, { field: key, cause: error });
    }
  }
  // Stored by a till that did not check the pair (an older version, a hand edit): refused
  // at every use rather than read either way, so such a till is never silently live.
  assertModeFitsGateway(config['profile.mode'] as string, config['gateway.baseUrl'] as string, 'profile.mode');
  return Object.freeze(config) as TillConfig;
}

/**
 * Rules across keys, checked on the settings as they would be after a change, so that a
 * configuration that fails every sale, or lets the sandbox key vouch for a real gateway,
 * cannot be saved: a sandbox profile needs a loopback gateway; type 5 (other) carries
 * otherBusinessType, which only trade.otherBusinessType can fill.
 */
function assertConsistent(values: ReadonlyMap<string, string>, changing: readonly string[]): void {
  assertModeFitsGateway(
    values.get('profile.mode') ?? DEFAULT_MODE,
    values.get('gateway.baseUrl') ?? DEFAULT_BASE_URL,
    changing.includes('gateway.baseUrl') ? 'gateway.baseUrl' : 'profile.mode',
  );
  const type = values.get('trade.businessType') ?? '';
  if (type.split('|').includes('5') && !values.get('trade.otherBusinessType')) {
    throw new TillError(
      'CONFIG_INVALID',
      `trade.otherBusinessType must be set when trade.businessType is ${type} (type 5 "other" needs a description of the business); set both together, or use 4`,
      { field: 'trade.otherBusinessType' },
    );
  }
}

/** Validates and stores; '' on an optional key unsets it (its default is '' anyway). */
export function setConfig(store: SettingsStore, key: string, raw: string): void {
  setConfigValues(store, { [key]: raw });
}

/** Validates every value first, then writes them in one transaction: all or nothing. */
export function setConfigValues(store: SettingsStore, values: Readonly<Record<string, string>>): void {
  const entries = Object.entries(values);
  for (const [key, raw] of entries) parseConfigValue(key, raw);
  const merged = new Map<string, string>(storedValues(store));
  for (const [key, raw] of entries) {
    if (raw === '') merged.delete(key);
    else merged.set(key, raw);
  }
  assertConsistent(merged, Object.keys(values));
  auditedWrite(store, () => {
    for (const [key, raw] of entries) {
      if (raw === '') store.delete(key);
      else store.set(key, raw);
    }
  });
}

/** Removes the stored value so the default applies again; returns whether one was stored. */
export function unsetConfig(store: SettingsStore, key: string): boolean {
  assertConfigKey(key);
  const merged = new Map<string, string>(storedValues(store));
  merged.delete(key);
  assertConsistent(merged, [key]);
  return auditedWrite(store, () => store.delete(key));
}

export function listConfig(store: SettingsStore): ConfigListing[] {
  const profile = profileOf(store);
  const stored = storedValues(store);
  return CONFIG_KEYS.map((key) => {
    const raw = stored.get(key);
    const { description, optional: isOptional } = describeConfigKey(key);
    return { key, value: raw ?? defaultRaw(key, profile), isDefault: raw === undefined, optional: isOptional, description };
  });
}

/** The stored mode says it, never the URL (profile-mode.ts): screens, slips and the CLI then say SANDBOX. */
export function isSandboxProfile(config: Pick<TillConfig, 'profile.mode'>): boolean {
  return config['profile.mode'] === 'sandbox';
}

function defaultRaw(key: ConfigKey, profile: Profile): string {
  const fallback = CONFIG_SPECS[key].default;
  return typeof fallback === 'function' ? fallback(profile) : fallback;
}

/** Reads first so a read-only database that already has a profile works. */
function profileOf(store: SettingsStore): Profile {
  return readProfile(store) ?? ensureProfile(store);
}

function storedValues(store: SettingsStore): Map<ConfigKey, string> {
  const values = new Map<ConfigKey, string>();
  for (const entry of store.list()) if (isConfigKey(entry.key)) values.set(entry.key, entry.value);
  return values;
}

function preview(raw: unknown): string {
  const shown = JSON.stringify(raw) ?? String(raw);
  return shown.length > 80 ? `${shown.slice(0, 77)}…` : shown;
}
