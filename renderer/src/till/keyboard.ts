import { isDigitKey, type EntryKey } from '../money/amount-entry';

/** What a physical key does on the till screen (null: not ours, let the browser have it). */
export type KeyCommand = { type: 'entry'; key: EntryKey } | { type: 'charge' } | { type: 'cancel' } | { type: 'new-sale' };

/** What the order on screen allows (order-status.ts canCancel, canLeave). */
export interface PaymentKeys {
  canCancel: boolean;
  canLeave: boolean;
}

/** Escape cancels an order that can still be cancelled, else leaves it; Enter only leaves. */
export function keyCommand(key: string, mode: 'entry' | 'payment', payment: PaymentKeys = { canCancel: false, canLeave: false }): KeyCommand | null {
  if (mode === 'entry') {
    if (isDigitKey(key)) return { type: 'entry', key };
    if (key === 'Backspace') return { type: 'entry', key: 'backspace' };
    if (key === 'Escape') return { type: 'entry', key: 'clear' };
    if (key === 'Enter') return { type: 'charge' };
    return null;
  }
  if (key === 'Escape') {
    if (payment.canCancel) return { type: 'cancel' };
    return payment.canLeave ? { type: 'new-sale' } : null;
  }
  if (key === 'Enter' && payment.canLeave) return { type: 'new-sale' };
  return null;
}
