// The till's keypad and cart (renderer/src/money/amount-entry.ts, renderer/src/till/cart.ts):
// whatever keys are pressed, the amount stays a whole number of minor units within the
// limit, and Charge asks for exactly what the screen shows, once per cart.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MAX_AMOUNT_MINOR, validateRequest } from '../../preload/contract';
import { pressKey, type EntryKey } from '../../renderer/src/money/amount-entry';
import { formatMoney, MAX_ENTRY_MINOR } from '../../renderer/src/money/currency';
import { cartReducer, cartTotal, chargeRequest, emptyCart, itemProblem, type CartAction, type CartState } from '../../renderer/src/till/cart';

function press(keys: readonly EntryKey[], start = 0): number {
  return keys.reduce((minor, key) => pressKey(minor, key), start);
}

const ENTRY_KEYS: EntryKey[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '00', 'backspace', 'clear'];

describe('pressKey', () => {
  test('digits come in from the right as minor units', () => {
    assert.equal(press(['1', '2', '3']), 123);
    assert.equal(press(['0', '0', '7']), 7);
  });

  test('00 appends two zeros at once', () => {
    assert.equal(press(['2', '00']), 200);
    assert.equal(press(['00']), 0);
  });

  test('backspace drops the last digit, clear empties', () => {
    assert.equal(press(['1', '2', '3', 'backspace']), 12);
    assert.equal(press(['5', 'backspace', 'backspace']), 0);
    assert.equal(press(['9', '9', 'clear']), 0);
  });

  test('a key that would pass the limit changes nothing', () => {
    const full = press(Array<EntryKey>(10).fill('9'));
    assert.equal(full, MAX_ENTRY_MINOR);
    assert.equal(pressKey(full, '9'), full);
    assert.equal(pressKey(full, '00'), full);
    assert.equal(pressKey(999_999_999, '00'), 999_999_999, '00 is refused whole, not half applied');
    assert.equal(pressKey(999_999_999, '9'), MAX_ENTRY_MINOR);
  });

  test('the keypad limit is within what the router accepts', () => {
    assert.ok(MAX_ENTRY_MINOR <= MAX_AMOUNT_MINOR);
    assert.equal(validateRequest('order.create', { amountMinor: MAX_ENTRY_MINOR, cartId: 'c-1' }).ok, true);
  });

  test('a state that is not a valid entry starts over from 0', () => {
    assert.equal(pressKey(-5, '1'), 1);
    assert.equal(pressKey(1.5, '1'), 1);
    assert.equal(pressKey(Number.NaN, '2'), 2);
    assert.equal(pressKey(MAX_ENTRY_MINOR + 1, '3'), 3);
  });

  test('property: any key sequence gives a whole number from 0 to the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ENTRY_KEYS), { maxLength: 60 }), (keys) => {
        const minor = press(keys);
        return Number.isSafeInteger(minor) && minor >= 0 && minor <= MAX_ENTRY_MINOR;
      }),
    );
  });
});

describe('the amount on screen: USD has cents, JPY has none', () => {
  test('the same keys mean 12.34 dollars or 1,234 yen', () => {
    const minor = press(['1', '2', '3', '4']);
    assert.equal(formatMoney(minor, 'USD', 'en'), '$12.34');
    assert.equal(formatMoney(minor, 'JPY', 'en'), '¥1,234');
  });

  test('00 on a yen till is a hundredfold, not cents', () => {
    assert.equal(formatMoney(press(['5', '00']), 'JPY', 'en'), '¥500');
    assert.equal(formatMoney(press(['5', '00']), 'USD', 'en'), '$5.00');
  });
});

describe('cart', () => {
  let ids = 0;
  const newId = () => `cart-${++ids}`;
  const reduce = cartReducer(newId);
  const run = (actions: CartAction[], start: CartState = emptyCart(newId)) => actions.reduce(reduce, start);
  const keys = (...k: EntryKey[]): CartAction[] => k.map((key) => ({ type: 'key', key }));

  test('Charge asks for the keypad amount in the till currency, with the store name as title', () => {
    const cart = run(keys('2', '5', '0'));
    assert.deepEqual(chargeRequest(cart, 'USD', 'Store #1'), { amountMinor: 250, currency: 'USD', title: 'Store #1', cartId: cart.cartId });
    assert.equal(chargeRequest(run(keys('4'), run([{ type: 'title', title: '  Coffee ' }])), 'USD', 'Store')?.title, 'Coffee');
  });

  test('nothing to charge at zero', () => {
    assert.equal(chargeRequest(emptyCart(newId), 'USD', 'Store'), null);
    assert.equal(chargeRequest(run(keys('5', 'backspace')), 'USD', 'Store'), null);
  });

  test('the same cart charged twice (a double click) sends the same cartId', () => {
    const cart = run(keys('9', '9'));
    assert.equal(chargeRequest(cart, 'USD', 'S')?.cartId, chargeRequest(cart, 'USD', 'S')?.cartId);
  });

  test('any change to the cart gives it a new cartId; a key that changes nothing does not', () => {
    const cart = run(keys('1'));
    const seen = new Set([cart.cartId]);
    for (const action of [...keys('2'), { type: 'title', title: 'x' } as const, { type: 'add-item', name: 'Tea', quantity: 2 } as const, { type: 'new-sale' } as const]) {
      const next = reduce(cart, action);
      assert.ok(!seen.has(next.cartId), `${action.type} keeps the old cartId`);
      seen.add(next.cartId);
    }
    const full = { ...cart, entryMinor: MAX_ENTRY_MINOR };
    assert.equal(reduce(full, { type: 'key', key: '9' }), full);
  });

  test('items: the keypad entry is the unit price and the amount is their total', () => {
    const cart = run([...keys('3', '5', '0'), { type: 'add-item', name: ' Tea ', quantity: 2 }, ...keys('1', '0', '0'), { type: 'add-item', name: 'Cake', quantity: 1 }]);
    assert.deepEqual(cart.items, [
      { name: 'Tea', quantity: 2, unitPriceMinor: 350 },
      { name: 'Cake', quantity: 1, unitPriceMinor: 100 },
    ]);
    assert.equal(cart.entryMinor, 0);
    assert.equal(cartTotal(cart), 800);
    const request = chargeRequest(cart, 'HKD', 'Store');
    assert.equal(request?.amountMinor, 800);
    assert.deepEqual(request?.items, cart.items);
    assert.equal(validateRequest('order.create', request).ok, true, 'the router takes the request as built');
    assert.equal(cartTotal(run([{ type: 'remove-item', index: 0 }], cart)), 100);
  });

  test('an item that cannot be added is refused with the reason, and the cart is unchanged', () => {
    const priced = run(keys('5'));
    assert.equal(itemProblem(priced, '  ', 1), 'name');
    assert.equal(itemProblem(priced, 'Tea', 0), 'quantity');
    assert.equal(itemProblem(priced, 'Tea', 1.5), 'quantity');
    assert.equal(itemProblem({ ...emptyCart(newId), entryMinor: -1 }, 'Tea', 1), 'price');
    const big = { ...priced, entryMinor: MAX_ENTRY_MINOR };
    assert.equal(itemProblem(big, 'Gold', 2), 'total');
    assert.equal(reduce(big, { type: 'add-item', name: 'Gold', quantity: 2 }), big);
  });

  test('a free item (price 0) can be added; Charge needs a positive total', () => {
    const free = reduce(emptyCart(newId), { type: 'add-item', name: 'Bag', quantity: 1 });
    assert.deepEqual(free.items, [{ name: 'Bag', quantity: 1, unitPriceMinor: 0 }]);
    assert.equal(chargeRequest(free, 'USD', 'Shop'), null, 'a total of 0 cannot be charged');
    const paid = reduce(run(keys('5'), free), { type: 'add-item', name: 'Tea', quantity: 1 });
    const request = chargeRequest(paid, 'USD', 'Shop');
    assert.equal(request?.amountMinor, 5);
    assert.equal(validateRequest('order.create', request).ok, true, 'the router takes a free line');
  });

  test('property: whatever the cashier does, Charge asks for a valid amount or nothing', () => {
    const action = fc.oneof(
      fc.constantFrom(...ENTRY_KEYS).map((key): CartAction => ({ type: 'key', key })),
      fc.record({ type: fc.constant('add-item' as const), name: fc.string({ maxLength: 8 }), quantity: fc.integer({ min: -2, max: 1200 }) }),
      fc.record({ type: fc.constant('remove-item' as const), index: fc.integer({ min: -1, max: 4 }) }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (actions) => {
        const request = chargeRequest(run(actions), 'USD', 'Store');
        return request === null || validateRequest('order.create', request).ok;
      }),
    );
  });
});
