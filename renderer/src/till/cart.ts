import type { RequestOf } from '../../../preload/contract';
import { pressKey, type EntryKey } from '../money/amount-entry';
import { isAmountMinor, MAX_ENTRY_MINOR } from '../money/currency';

/**
 * The cart on the till screen. With no items the keypad entry is the amount; with items
 * the amount is their total and the keypad enters the unit price of the next item.
 * Any change gives the cart a fresh cartId, so a retried Charge for the same cart finds
 * the order already made while an edited cart can never be confused with it.
 */

export interface CartItem {
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface CartState {
  entryMinor: number;
  title: string;
  items: CartItem[];
  cartId: string;
}

export type CartAction =
  | { type: 'key'; key: EntryKey }
  | { type: 'title'; title: string }
  | { type: 'add-item'; name: string; quantity: number }
  | { type: 'remove-item'; index: number }
  | { type: 'new-sale' };

export const MAX_ITEMS = 100;
export const MAX_QUANTITY = 999;
export const MAX_TITLE_CHARS = 120;
export const MAX_ITEM_NAME_CHARS = 60;

export function emptyCart(newId: () => string): CartState {
  return { entryMinor: 0, title: '', items: [], cartId: newId() };
}

export function itemsTotal(items: readonly CartItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPriceMinor, 0);
}

/** What Charge would ask for: the items' total, or the keypad entry when there are none. */
export function cartTotal(cart: CartState): number {
  return cart.items.length > 0 ? itemsTotal(cart.items) : cart.entryMinor;
}

export type ItemProblem = 'name' | 'quantity' | 'price' | 'too-many' | 'total';

/** Why an item cannot be added (null when it can): the unit price is the keypad entry. */
export function itemProblem(cart: CartState, name: string, quantity: number): ItemProblem | null {
  if (name.trim() === '' || name.length > MAX_ITEM_NAME_CHARS) return 'name';
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) return 'quantity';
  // A price of 0 is a free item (the spec's itemPrice has no lower bound); Charge still
  // needs a positive total (chargeRequest).
  if (cart.entryMinor !== 0 && !isAmountMinor(cart.entryMinor)) return 'price';
  if (cart.items.length >= MAX_ITEMS) return 'too-many';
  if (itemsTotal(cart.items) + quantity * cart.entryMinor > MAX_ENTRY_MINOR) return 'total';
  return null;
}

export function cartReducer(newId: () => string) {
  return (cart: CartState, action: CartAction): CartState => {
    switch (action.type) {
      case 'key': {
        const entryMinor = pressKey(cart.entryMinor, action.key);
        return entryMinor === cart.entryMinor ? cart : { ...cart, entryMinor, cartId: newId() };
      }
      case 'title': {
        const title = action.title.slice(0, MAX_TITLE_CHARS);
        return title === cart.title ? cart : { ...cart, title, cartId: newId() };
      }
      case 'add-item': {
        if (itemProblem(cart, action.name, action.quantity) !== null) return cart;
        const item = { name: action.name.trim(), quantity: action.quantity, unitPriceMinor: cart.entryMinor };
        return { ...cart, items: [...cart.items, item], entryMinor: 0, cartId: newId() };
      }
      case 'remove-item': {
        if (action.index < 0 || action.index >= cart.items.length) return cart;
        return { ...cart, items: cart.items.filter((_, i) => i !== action.index), cartId: newId() };
      }
      case 'new-sale':
        return emptyCart(newId);
    }
  };
}

/**
 * The order.create request for the cart, or null when it cannot be charged. The gateway
 * needs a title: an empty one becomes `fallbackTitle` (the store name, shown as the
 * field's placeholder).
 */
export function chargeRequest(cart: CartState, currency: string, fallbackTitle: string): RequestOf<'order.create'> | null {
  const amountMinor = cartTotal(cart);
  if (!isAmountMinor(amountMinor)) return null;
  const title = cart.title.trim() || fallbackTitle.trim();
  const request: RequestOf<'order.create'> = { amountMinor, currency, cartId: cart.cartId };
  if (title !== '') request.title = title;
  if (cart.items.length > 0) request.items = cart.items.map((item) => ({ ...item }));
  return request;
}
