import type { Channel, RequestOf } from '../../preload/contract';

/**
 * One valid request per channel, with every optional field filled in, so tests can spoil
 * each field in turn. A channel missing here does not compile.
 */
export const VALID_REQUESTS: { [C in Channel]: RequestOf<C> } = {
  'till.status': {},
  'order.create': { amountMinor: 239, currency: 'USD', title: 'Coffee', items: [{ name: 'Latte', quantity: 2, unitPriceMinor: 100 }], cartId: 'cart-1' },
  'order.get': { orderId: 1 },
  'order.cancel': { orderId: 1 },
  'order.reprint': { orderId: 1 },
  'orders.recent': { limit: 10 },
  'supervisor.login': { pin: '1234' },
  'supervisor.setupPin': { code: '12345678', pin: '123456' },
  'supervisor.logout': {},
  'supervisor.changePin': { currentPin: '1234', newPin: '567890' },
  'day.reconcile': { day: '2025-03-14' },
  'day.close': { day: '2025-03-14' },
  'day.csv': { day: '2025-03-14' },
  'orders.search': { tail: '0001' },
  'order.history': { orderId: 1 },
  'orders.resolveNow': {},
  'order.refund': { orderId: 1, amountMinor: 100, reason: 'returned', refundKey: 'refund-0001' },
  'order.settle': { orderId: 1, as: 'cancelled', reason: 'Alipay support: never paid' },
  'alarm.clear': { alarmId: 1 },
  'settings.list': {},
  'settings.set': { values: { 'store.name': 'Corner Shop' } },
  'keys.status': {},
  'keys.generate': { replace: false },
  'keys.publicKey': {},
  'keys.importAlipay': { pem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' },
  'devices.list': {},
  'devices.save': {
    device: { name: 'printer1', role: 'printer', path: '/dev/ttyUSB0', baud: 9600, dataBits: 8, parity: 'none', stopBits: 1, flow: 'none', profile: 'generic', enabled: false },
  },
  'devices.remove': { name: 'printer1' },
  'devices.test': { name: 'printer1' },
};

/**
 * Values of the wrong kind for a field whose valid sample is `sample`; none of them is
 * valid for any field of the contract. A fault may be reported inside the field
 * (`device.name` for an empty device), never outside it. `path` (as fieldsOf names it)
 * leaves out the one value a field takes that others do not: 0 for an item's unit price
 * (a free item).
 */
export function wrongValuesFor(sample: unknown, path = ''): unknown[] {
  const notScalar = [null, {}, [], [1, 2]];
  if (path.endsWith('.unitPriceMinor')) return [...notScalar, '1', true, -1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY];
  if (typeof sample === 'string') return [...notScalar, 42, true, 'x'.repeat(70_000)];
  if (typeof sample === 'number') return [...notScalar, '1', true, -1, 0, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY];
  if (typeof sample === 'boolean') return [...notScalar, 'true', 1, 0];
  if (Array.isArray(sample)) return [null, {}, 'x', 1, true, new Array(101).fill(sample[0])];
  return [null, [], {}, 'x', 1, true];
}

export interface FieldOf {
  /** As a BAD_REQUEST names it: `items[0].quantity`, `values.store.name`. */
  path: string;
  steps: Array<string | number>;
  sample: unknown;
}

/** Every field of a valid request, nested ones too. */
export function fieldsOf(value: unknown, path = '', steps: Array<string | number> = []): FieldOf[] {
  const out: FieldOf[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const at = { path: `${path}[${i}]`, steps: [...steps, i], sample: item };
      out.push(at, ...fieldsOf(item, at.path, at.steps));
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const at = { path: path === '' ? key : `${path}.${key}`, steps: [...steps, key], sample: inner };
      out.push(at, ...fieldsOf(inner, at.path, at.steps));
    }
  }
  return out;
}

/** A copy of `value` with one field replaced. */
export function withField(value: unknown, steps: ReadonlyArray<string | number>, replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const step of steps.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  at[steps[steps.length - 1]!] = replacement;
  return copy;
}
