import { TillError } from '../errors';
import { assertAmountMinor, assertCurrency, assertPriceMinor, toMoney, toPriceMoney } from './currency';
import { describeIssue, validate } from './field-rules';
import type { MerchantSetup, OrderItem, PreCreateInput } from './order-input';
import { MERCHANT_ID_PATTERN, preCreateBodyRule } from './schemas';
import { tradeInformation } from './trade-information';
import { assertText, cutToUtf8Bytes, utf8Length } from './utf8-text';

// The builder's input types live in order-input.ts (shared with trade-information.ts).
export type { DeviceFacts, MerchantSetup, OrderItem, PreCreateInput } from './order-input';

export interface BuiltBody {
  body: Record<string, unknown>;
  /** The frozen text: journaled before the first send and re-sent byte for byte. */
  bodyText: string;
}

const MAX_ITEMS = 100;

function identifier(value: string | undefined, field: string, max: number, required: boolean): string | undefined {
  if (value === undefined || value === '') {
    if (required) throw new TillError('FIELD_MISSING', `${field} is required`, { field });
    return undefined;
  }
  assertText(value, field);
  if (utf8Length(value) > max) throw new TillError('FIELD_TOO_LONG', `${field} is longer than ${max} bytes`, { field });
  if (/\s/.test(value)) throw new TillError('FIELD_INVALID', `${field} must not contain spaces`, { field });
  return value;
}

function freeText(value: string | undefined, field: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  assertText(value, field);
  const trimmed = value.trim().replace(/\s+/g, ' ');
  // Trimmed again after the cut: a cut that lands after a space must not send one at the
  // end (and the detail, built from the title, must come out the same as the title).
  return trimmed === '' ? undefined : cutToUtf8Bytes(trimmed, max).trimEnd();
}

function describeItems(items: readonly OrderItem[]): string {
  return items.map((item) => `${item.quantity} x ${item.name}`).join(', ');
}

function checkItems(items: readonly OrderItem[], currency: string): void {
  if (items.length > MAX_ITEMS) throw new TillError('FIELD_INVALID', `items: at most ${MAX_ITEMS} lines`, { field: 'items' });
  items.forEach((item, i) => {
    const field = `items[${i}]`;
    if (!item.name?.trim()) throw new TillError('FIELD_MISSING', `${field}.name is required`, { field: `${field}.name` });
    assertText(item.name, `${field}.name`);
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) {
      throw new TillError('FIELD_INVALID', `${field}.quantity must be a whole number above zero`, { field: `${field}.quantity` });
    }
    assertPriceMinor(item.unitPriceMinor, `${field}.unitPrice`); // 0: a free item
    assertCurrency(currency);
  });
}

export function buildPreCreateBody(input: PreCreateInput, setup: MerchantSetup): BuiltBody {
  assertCurrency(input.currency);
  assertAmountMinor(input.amountMinor);
  const items = input.items ?? [];
  checkItems(items, input.currency);
  const title = freeText(input.title, 'title', 256);
  if (!title) throw new TillError('FIELD_MISSING', 'title is required', { field: 'title' });
  const detail = freeText(input.detail, 'detail', 400) ?? freeText(items.length ? describeItems(items) : title, 'detail', 400);

  const transId = identifier(input.merchantTransId, 'merchantTransId', 64, true)!;
  if (!MERCHANT_ID_PATTERN.test(transId)) {
    throw new TillError('FIELD_INVALID', 'merchantTransId may hold only letters, digits and _ . : -', { field: 'merchantTransId' });
  }
  const s = setup.seller;
  const seller = {
    sellerId: identifier(s.sellerId, 'seller.id', 32, true),
    sellerMCC: identifier(s.sellerMCC, 'seller.mcc', 32, true),
    sellerName: freeText(s.sellerName, 'seller.name', 128),
    sellerEngName: freeText(s.sellerEngName, 'seller.engName', 256),
    storeId: identifier(s.storeId, 'store.id', 32, true),
    storeMCC: identifier(s.storeMCC, 'store.mcc', 32, true),
    storeName: freeText(s.storeName, 'store.name', 128),
    storeEngName: freeText(s.storeEngName, 'store.engName', 256),
    terminalId: identifier(s.terminalId, 'terminal.id', 64, false),
    operatorId: identifier(s.operatorId, 'operator.id', 64, false),
  };

  const body: Record<string, unknown> = {
    merchantId: identifier(setup.merchantId, 'merchant.id', 64, true),
    productCode: 'OFFLINE_PAY',
    merchantTransId: transId,
    order: {
      orderAmount: toMoney(input.amountMinor, input.currency),
      orderTitle: title,
      orderDetail: detail,
      seller,
    },
    settleContractId: identifier(setup.settleContractId, 'settleContractId', 64, false),
    riskInfo: riskInfo(items, input.currency, setup),
    extendInfo: JSON.stringify({ chinaExtraTransInfo: tradeInformation(items, setup) }),
    notifyUrl: setup.notifyUrl || undefined,
    userAgent: setup.site,
    merchantRedirectUrl: setup.merchantRedirectUrl || undefined,
    sceneType: 'THIRDPARTYQRCODE',
  };

  // The last guard: the same rules the strict sandbox applies. Nothing invalid leaves.
  const issues = validate(body, preCreateBodyRule, 'body');
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new TillError('FIELD_INVALID', describeIssue(first), { field: first.path });
  }
  return { body, bodyText: JSON.stringify(body) };
}

function riskInfo(items: readonly OrderItem[], currency: string, setup: MerchantSetup): Record<string, unknown> {
  const d = setup.device ?? {};
  const deviceInfo = {
    serialNo: identifier(d.serialNo ?? setup.seller.terminalId, 'device.serialNo', 64, false),
    terminalType: 'SYSTEM',
    deviceName: freeText(d.deviceName, 'device.name', 256),
    osName: freeText(d.osName, 'device.osName', 64),
    osVersion: freeText(d.osVersion, 'device.osVersion', 32),
    screenResolution: freeText(d.screenResolution, 'device.screenResolution', 32)?.replace(/\s/g, ''),
    systemLanguage: freeText(d.systemLanguage, 'device.systemLanguage', 64)?.replace(/\s/g, ''),
    timeZone: freeText(d.timeZone, 'device.timeZone', 32)?.replace(/\s/g, ''),
  };
  const orderInfos = items.map((item) => ({
    productName: cutToUtf8Bytes(item.name.trim(), 64),
    productCategory: freeText(item.category, 'item.category', 64),
    productSubCategory: freeText(item.subCategory, 'item.subCategory', 64),
    itemPrice: toPriceMoney(item.unitPriceMinor, currency),
  }));
  return { deviceInfo, orderInfos: orderInfos.length ? orderInfos : undefined };
}
