import { parseAmount } from '../alipay/currency';
import type { OrderItem } from '../alipay/precreate-body';
import { UsageError } from './output';

/** `--item "Latte*2@3.50"` (quantity optional: `"Latte@3.50"`). */
export function parseItem(text: string, currency: string, index: number): OrderItem {
  const m = /^(.+?)(?:\*(\d+))?@([^@]+)$/.exec(text.trim());
  if (!m) throw new UsageError(`--item ${JSON.stringify(text)} must look like "NAME*QTY@PRICE", e.g. "Latte*2@3.50"`);
  return {
    name: m[1]!.trim(),
    quantity: m[2] === undefined ? 1 : Number(m[2]),
    // 0 is a free item; the order total must still be above zero (checked by the body builder).
    unitPriceMinor: parseAmount(m[3]!, currency, `items[${index}].price`, { allowZero: true }),
  };
}
