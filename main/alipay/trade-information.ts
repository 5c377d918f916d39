import type { MerchantSetup, OrderItem } from './order-input';
import { cutToUtf8Bytes, utf8Length } from './utf8-text';

/**
 * extendInfo.chinaExtraTransInfo for a shop till: businessType 4 (sales of goods) with
 * the goods list when the cashier keyed items, else the configured type (default 5).
 * extendInfo is String(6000); goods that would not fit are left out of goodsInfo but
 * still counted in totalQuantity.
 */

/** goodsInfo is String(4096) in the schema; extendInfo, which carries it JSON-escaped, is String(6000). */
const GOODS_MAX_BYTES = 4096;
const EXTEND_INFO_MAX_BYTES = 6000;

/** Bytes a string takes inside JSON text: `"` and `\\` double when escaped. */
function escapedBytes(text: string): number {
  return utf8Length(JSON.stringify(text)) - 2;
}

function goodsName(name: string): string {
  // ^ and | are the list's own separators.
  // Trimmed after the separators become spaces, so "^" or "pen|" leave no blank or padded SKU name.
  return cutToUtf8Bytes(name.replace(/[|^]/g, ' ').replace(/\s+/g, ' ').trim(), 64) || 'item';
}

export function tradeInformation(items: readonly OrderItem[], setup: Pick<MerchantSetup, 'businessType' | 'otherBusinessType'>): Record<string, string | number> {
  const type = setup.businessType || (items.length ? '4' : '5');
  const info: Record<string, string | number> = { businessType: type };
  const other = type.split('|').includes('5') && setup.otherBusinessType ? cutToUtf8Bytes(setup.otherBusinessType.trim(), 1024) : undefined;
  if (type.split('|').includes('4') && items.length) {
    // A JSON number: the spec types totalQuantity Number (the other fields are String).
    const totalQuantity = items.reduce((sum, item) => sum + item.quantity, 0);
    // Room left for the goods list once everything else of extendInfo is written.
    const rest = utf8Length(JSON.stringify({ chinaExtraTransInfo: { ...info, goodsInfo: '', totalQuantity, otherBusinessType: other } }));
    const escapedBudget = EXTEND_INFO_MAX_BYTES - rest;
    const parts: string[] = [];
    let raw = 0;
    let escaped = 0;
    for (const item of items) {
      const part = `${goodsName(item.name)}^${item.quantity}`;
      const separator = parts.length ? 1 : 0;
      raw += utf8Length(part) + separator;
      escaped += escapedBytes(part) + separator;
      if (raw > GOODS_MAX_BYTES || escaped > escapedBudget) break;
      parts.push(part);
    }
    info.goodsInfo = parts.join('|');
    info.totalQuantity = totalQuantity;
  }
  if (other !== undefined) info.otherBusinessType = other;
  return info;
}
