import type { Channel, RequestOf } from './channels';
import { ROUTER_ERROR_CODES, type Result } from './errors';

/**
 * The payload schemas of every channel: a tiny validator set with no dependency, because
 * it is bundled into the renderer as well as run by the router. A schema never throws and
 * never trusts the value's prototype: it copies out the fields it knows into a fresh
 * object, refuses any other key, and names the first fault (`items[2].quantity`). Messages
 * say what was expected, never echo what was sent (a PIN must not come back in an error).
 */

type Check<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

export interface Schema<T> {
  (value: unknown, path: string): Check<T>;
  readonly optional?: true;
}

type Out<S> = S extends Schema<infer T> ? T : never;
type Shape = Record<string, Schema<unknown>>;
type Flat<T> = { [K in keyof T]: T[K] };
type ObjectOut<S extends Shape> = Flat<
  { [K in keyof S as S[K] extends { optional: true } ? never : K]: Out<S[K]> } & {
    [K in keyof S as S[K] extends { optional: true } ? K : never]?: Out<S[K]>;
  }
>;

/** Every amount the till carries: the journal's bound (main/alipay/currency.ts MAX_AMOUNT_MINOR). */
export const MAX_AMOUNT_MINOR = Number.MAX_SAFE_INTEGER;
export const PIN_MIN_DIGITS = 4;
export const PIN_MAX_DIGITS = 12;
const PIN_PATTERN = /^[0-9]{4,12}$/;
/** A PIN set from now on is at least 6 digits (issue 11 §4); older 4- and 5-digit PINs still log in. */
export const NEW_PIN_MIN_DIGITS = 6;
const NEW_PIN_PATTERN = /^[0-9]{6,12}$/;
/** The one-time code `till keys set-pin --code` prints for setting the first PIN on a screen. */
export const PIN_SETUP_CODE_DIGITS = 8;
const PIN_SETUP_CODE_PATTERN = /^[0-9]{8}$/;

/** A PIN that may log in (4 to 12 digits). */
export function isValidPin(value: unknown): value is string {
  return typeof value === 'string' && PIN_PATTERN.test(value);
}

/** A PIN that may be set now (6 to 12 digits). */
export function isValidNewPin(value: unknown): value is string {
  return typeof value === 'string' && NEW_PIN_PATTERN.test(value);
}

/** The shape of a code from `till keys set-pin --code`. */
export function isValidSetupCode(value: unknown): value is string {
  return typeof value === 'string' && PIN_SETUP_CODE_PATTERN.test(value);
}

const ok = <T>(value: T): Check<T> => ({ ok: true, value });

function fault(path: string, problem: string): { ok: false; field: string; message: string } {
  return { ok: false, field: path, message: `${path === '' ? 'the request' : path} ${problem}` };
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

// C0 and C1 controls, DEL, U+FFFD (bytes that were not UTF-8) and lone surrogates.
// eslint-disable-next-line no-control-regex
const NOT_TEXT = /[\u0000-\u001F\u007F-\u009F\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface StringRule {
  min?: number;
  max: number;
  /** Whole-value pattern; `describe` says what it means. */
  pattern?: RegExp;
  describe?: string;
  /** One line of text: no control characters; surrounding spaces are trimmed off. */
  text?: boolean;
}

export function string(rule: StringRule): Schema<string> {
  const min = rule.min ?? 1;
  return (value, path) => {
    if (typeof value !== 'string') return fault(path, 'must be a string');
    // Length first: a huge string is refused before any regular expression reads it.
    if (value.length > rule.max) return fault(path, `must be at most ${rule.max} characters`);
    const text = rule.text ? value.trim() : value;
    if (rule.text && NOT_TEXT.test(text)) return fault(path, 'must be plain text without control characters');
    if (text.length < min) return fault(path, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
    if (rule.pattern && !rule.pattern.test(text)) return fault(path, `must be ${rule.describe ?? 'well formed'}`);
    return ok(text);
  };
}

export function integer(min: number, max: number): Schema<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      return fault(path, `must be a whole number from ${min} to ${max}`);
    }
    // -0 passes every test above but is not what JSON gives back (it writes "0"); answer +0.
    return ok(value === 0 ? 0 : value);
  };
}

export function boolean(): Schema<boolean> {
  return (value, path) => (typeof value === 'boolean' ? ok(value) : fault(path, 'must be true or false'));
}

export function oneOf<const V extends readonly (string | number)[]>(values: V): Schema<V[number]> {
  return (value, path) => {
    // The listed value itself, not the input: includes() also matches -0 against 0.
    const index = (values as readonly unknown[]).indexOf(value);
    return index >= 0 ? ok(values[index] as V[number]) : fault(path, `must be one of ${values.join(', ')}`);
  };
}

/** May be absent (or undefined); null is a value, and refused unless the schema takes it. */
export function optional<T>(schema: Schema<T>): Schema<T> & { readonly optional: true } {
  const wrapped = (value: unknown, path: string) => schema(value, path);
  return Object.assign(wrapped, { optional: true as const });
}

export function array<T>(item: Schema<T>, rule: { max: number; min?: number }): Schema<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) return fault(path, 'must be a list');
    if (value.length > rule.max) return fault(path, `must hold at most ${rule.max} entries`);
    if (value.length < (rule.min ?? 0)) return fault(path, `must hold at least ${rule.min} entries`);
    const out: T[] = [];
    for (let i = 0; i < value.length; i++) {
      const checked = item(value[i], `${path}[${i}]`);
      if (!checked.ok) return checked;
      out.push(checked.value);
    }
    return ok(out);
  };
}

export function object<S extends Shape>(shape: S): Schema<ObjectOut<S>> {
  const keys = Object.keys(shape);
  return (value, path) => {
    if (!isPlainObject(value)) return fault(path, 'must be an object');
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) return fault(child(path, key), 'is not a field of this request');
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const schema = shape[key]!;
      const raw = Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
      if (raw === undefined) {
        if (schema.optional) continue;
        return fault(child(path, key), 'is required');
      }
      const checked = schema(raw, child(path, key));
      if (!checked.ok) return checked;
      out[key] = checked.value;
    }
    return ok(out as ObjectOut<S>);
  };
}

/** An object used as a map: keys matching `key`, values matching `item`. */
export function record<T>(key: { pattern: RegExp; describe: string }, item: Schema<T>, rule: { max: number; min?: number }): Schema<Record<string, T>> {
  return (value, path) => {
    if (!isPlainObject(value)) return fault(path, 'must be an object');
    const keys = Object.keys(value);
    if (keys.length > rule.max) return fault(path, `must hold at most ${rule.max} entries`);
    if (keys.length < (rule.min ?? 0)) return fault(path, `must hold at least ${rule.min} entries`);
    const entries: Array<[string, T]> = [];
    for (const k of keys) {
      if (k.length > 128 || !key.pattern.test(k)) return fault(path, `has a key that is not ${key.describe}`);
      const checked = item(value[k], child(path, k));
      if (!checked.ok) return checked;
      entries.push([k, checked.value]);
    }
    return ok(Object.fromEntries(entries));
  };
}

// ── the fields the channels share ───────────────────────────────────────────────────

const empty = object({});
const id = integer(1, Number.MAX_SAFE_INTEGER);
const amountMinor = integer(1, MAX_AMOUNT_MINOR);
const pin = string({ min: PIN_MIN_DIGITS, max: PIN_MAX_DIGITS, pattern: PIN_PATTERN, describe: `${PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits` });
const newPin = string({ min: NEW_PIN_MIN_DIGITS, max: PIN_MAX_DIGITS, pattern: NEW_PIN_PATTERN, describe: `${NEW_PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits` });
const setupCode = string({ min: PIN_SETUP_CODE_DIGITS, max: PIN_SETUP_CODE_DIGITS, pattern: PIN_SETUP_CODE_PATTERN, describe: `the ${PIN_SETUP_CODE_DIGITS}-digit code from \`till keys set-pin --code\`` });
const day = optional(string({ max: 10, pattern: /^\d{4}-\d{2}-\d{2}$/, describe: 'a date like 2025-03-14' }));
const deviceName = string({ max: 32, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, describe: "letters, digits, '.', '_' or '-'" });
const printable = (max: number) => string({ max, pattern: /^[\x21-\x7E]+$/, describe: 'printable ASCII without spaces' });

const deviceInput = object({
  name: deviceName,
  role: oneOf(['printer', 'display']),
  path: string({ max: 256, text: true }),
  baud: optional(integer(1, 4_000_000)),
  dataBits: optional(oneOf([7, 8])),
  parity: optional(oneOf(['none', 'even', 'odd'])),
  stopBits: optional(oneOf([1, 2])),
  flow: optional(oneOf(['none', 'rtscts', 'xonxoff'])),
  profile: optional(printable(32)),
  enabled: optional(boolean()),
});

/** Every channel's request; a channel missing here does not compile. */
export const REQUEST_SCHEMAS: { readonly [C in Channel]: Schema<RequestOf<C>> } = {
  'till.status': empty,
  'order.create': object({
    amountMinor,
    currency: optional(string({ max: 3, pattern: /^[A-Z]{3}$/, describe: 'a 3-letter ISO 4217 code' })),
    title: optional(string({ max: 256, text: true })),
    items: optional(
      array(
        object({
          name: string({ max: 128, text: true }),
          quantity: integer(1, 100_000),
          // 0 is a free item; the order's amountMinor must still be positive.
          unitPriceMinor: integer(0, MAX_AMOUNT_MINOR),
        }),
        { max: 100 },
      ),
    ),
    cartId: printable(128),
  }),
  'order.get': object({ orderId: id }),
  'order.cancel': object({ orderId: id }),
  'order.reprint': object({ orderId: id }),
  'orders.recent': object({ limit: optional(integer(1, 200)) }),
  'supervisor.login': object({ pin }),
  'supervisor.setupPin': object({ code: setupCode, pin: newPin }),
  'supervisor.logout': empty,
  'supervisor.changePin': object({ currentPin: pin, newPin }),
  'day.reconcile': object({ day }),
  'day.close': object({ day }),
  'day.csv': object({ day }),
  'orders.search': object({ tail: string({ min: 3, max: 64, pattern: /^[A-Za-z0-9_.:-]+$/, describe: 'the last characters of an order number' }) }),
  'order.history': object({ orderId: id }),
  'orders.resolveNow': empty,
  'order.refund': object({ orderId: id, amountMinor, reason: optional(string({ max: 256, text: true })), refundKey: string({ max: 64, pattern: /^[A-Za-z0-9._:-]+$/, describe: 'letters, digits or . _ : -' }) }),
  'order.settle': object({ orderId: id, as: oneOf(['cancelled', 'paid']), reason: string({ min: 1, max: 256, text: true }) }),
  'alarm.clear': object({ alarmId: id }),
  'settings.list': empty,
  'settings.set': object({
    values: record({ pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, describe: 'a setting name' }, string({ min: 0, max: 4096 }), { min: 1, max: 64 }),
  }),
  'keys.status': empty,
  'keys.generate': object({ replace: optional(boolean()) }),
  'keys.publicKey': empty,
  'keys.importAlipay': object({
    pem: string({ max: 16_384, pattern: /^[\x20-\x7E\r\n\t]+$/, describe: 'the PEM text of a public key or certificate' }),
  }),
  'devices.list': empty,
  'devices.save': object({ device: deviceInput }),
  'devices.remove': object({ name: deviceName }),
  'devices.test': object({ name: deviceName }),
};

/** The payload as the channel takes it (a fresh copy), or BAD_REQUEST naming the first fault. */
export function validateRequest<C extends Channel>(channel: C, payload: unknown): Result<RequestOf<C>> {
  const schema = REQUEST_SCHEMAS[channel] as Schema<RequestOf<C>>;
  const checked = schema(payload, '');
  if (checked.ok) return { ok: true, value: checked.value };
  const error = { code: ROUTER_ERROR_CODES.badRequest, message: checked.message };
  return { ok: false, error: checked.field === '' ? error : { ...error, field: checked.field } };
}
