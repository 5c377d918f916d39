import type { FieldIssue, ObjectRule, Rule } from './field-rules';
import { API, API_VERSION } from './functions';

/**
 * The messages of alipay-offline-preCreate.txt and docs/protocol.md §3, field by field. Lengths
 * are the spec's String(N); `id` fields are refused over the limit, `text` fields are cut
 * by the builder before they get here.
 */

const id = (max: number, required = false): Rule => ({ kind: 'id', max, required });
const text = (max: number, required = false): Rule => ({ kind: 'text', max, required });
const datetime: Rule = { kind: 'datetime' };

/** Identifiers the till makes itself: printable, no spaces, safe on a receipt. */
export const MERCHANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const businessId = (max: number, required = false): Rule => ({
  kind: 'id',
  max,
  required,
  pattern: MERCHANT_ID_PATTERN,
  hint: 'may hold only letters, digits and _ . : -',
});

export const SITES = ['ALIPAY_CN', 'ALIPAY_HK', 'ALIPAY_SG', 'KAKAOPAY'] as const;
export type Site = (typeof SITES)[number];
export const TERMINAL_TYPES = ['APP', 'WEB', 'WAP', 'SYSTEM', 'APP_LINK'] as const;

export const headRule: ObjectRule = {
  kind: 'object',
  required: true,
  fields: {
    version: { kind: 'enum', values: [API_VERSION], required: true },
    function: { kind: 'enum', values: Object.values(API).map((a) => a.fn), required: true },
    clientId: id(32, true),
    reqTime: { kind: 'datetime', required: true },
    reqMsgId: businessId(64, true),
    reserve: { kind: 'json', max: 256 },
    signType: id(64),
  },
};

const money = (required = false): Rule => ({ kind: 'money', required });

const sellerRule: ObjectRule = {
  kind: 'object',
  required: true,
  fields: {
    sellerId: id(32, true),
    sellerMCC: id(32, true),
    sellerName: text(128, true),
    sellerEngName: text(256),
    storeId: id(32, true),
    storeMCC: id(32, true),
    storeName: text(128, true),
    storeEngName: text(256),
    terminalId: id(64),
    operatorId: id(64),
  },
};

const orderRule: ObjectRule = {
  kind: 'object',
  required: true,
  fields: {
    orderAmount: money(true),
    orderTitle: text(256, true),
    orderDetail: text(400, true),
    seller: sellerRule,
  },
};

const deviceInfoRule: ObjectRule = {
  kind: 'object',
  fields: {
    sessionId: id(64),
    serialNo: id(64),
    clientIp: id(32),
    latitudeLongitude: id(128),
    idfa: id(128),
    terminalType: { kind: 'enum', values: TERMINAL_TYPES },
    deviceName: text(256),
    deviceBrand: text(256),
    deviceModel: text(64),
    imei: id(64),
    osName: text(64),
    osVersion: text(32),
    wirelessNetwork: text(128),
    wirelessCarrier: text(128),
    flightMode: id(32),
    fingerPrintEnabled: id(32),
    deviceBootTime: datetime,
    lastUnlockTime: datetime,
    screenResolution: id(32),
    isJailbreaked: { kind: 'boolean' },
    macAddress: id(64),
    systemLanguage: id(64),
    timeZone: id(32),
  },
};

const riskInfoRule: ObjectRule = {
  kind: 'object',
  fields: {
    deviceInfo: deviceInfoRule,
    userInfo: { kind: 'object', fields: { signupTime: datetime, lastLoginTime: datetime, merchantUserId: id(64) } },
    orderInfos: {
      kind: 'list',
      maxItems: 100,
      of: {
        kind: 'object',
        // itemPrice may be 0 (a free item): the spec gives it no lower bound, unlike orderAmount.
        fields: { productName: text(64), productCategory: text(64), productSubCategory: text(64), itemPrice: { kind: 'money', positive: false } },
      },
    },
    riskExtendInfo: { kind: 'json', max: 2048 },
  },
};

const BUSINESS_TYPES = /^[1-5](\|[1-5])*$/;

function typesOf(value: Record<string, unknown>): Set<string> {
  return new Set(typeof value.businessType === 'string' ? value.businessType.split('|') : []);
}

/** tradeInformation: the "specify only when businessType is N" rules are enforced too. */
export const tradeInformationRule: ObjectRule = {
  kind: 'object',
  fields: {
    businessType: { kind: 'id', max: 16, required: true, pattern: BUSINESS_TYPES, hint: 'must be 1..5, several separated by |' },
    hotelName: { kind: 'text', max: 1024, pattern: /^[A-Za-z0-9 ,.<>()[\]/\\|-]+$/, hint: 'may hold letters, digits, spaces and ,.<>()[]/\\-' },
    checkInTime: { kind: 'date' },
    checkOutTime: { kind: 'date' },
    flightNumber: text(1024),
    // Real days and clock times, not just the shape (2018-02-30 25:61 is refused).
    departureTime: { kind: 'date-minutes', max: 1024 },
    admissionNoticeUrl: { kind: 'url', max: 1024 },
    goodsInfo: { kind: 'text', max: 4096, pattern: /^[^|^]+\^\d+(\|[^|^]+\^\d+)*$/, hint: 'must be SKU_name^quantity, several separated by |' },
    // The spec's type column says Number (its example: 8), unlike the String fields around it.
    totalQuantity: { kind: 'number', max: 16, json: true },
    otherBusinessType: text(1024),
  },
  refine(value): FieldIssue | undefined {
    const types = typesOf(value);
    const onlyFor: Record<string, string> = {
      hotelName: '1', checkInTime: '1', checkOutTime: '1', flightNumber: '2', departureTime: '2',
      admissionNoticeUrl: '3', goodsInfo: '4', totalQuantity: '4', otherBusinessType: '5',
    };
    for (const [field, type] of Object.entries(onlyFor)) {
      if (value[field] !== undefined && !types.has(type)) {
        return { path: field, kind: 'invalid', problem: `is only for businessType ${type}` };
      }
    }
    if (types.has('3') && !value.admissionNoticeUrl) return { path: 'admissionNoticeUrl', kind: 'missing', problem: 'is required for businessType 3' };
    return undefined;
  },
};

export const preCreateBodyRule: ObjectRule = {
  kind: 'object',
  required: true,
  fields: {
    merchantId: id(64, true),
    productCode: { kind: 'enum', values: ['OFFLINE_PAY'], required: true },
    merchantTransId: businessId(64, true),
    order: orderRule,
    settleContractId: id(64),
    riskInfo: riskInfoRule,
    notifyUrl: { kind: 'url', max: 256 },
    userAgent: text(1024, true),
    merchantRedirectUrl: { kind: 'url', max: 512 },
    sceneType: { kind: 'enum', values: ['THIRDPARTYQRCODE'], required: true },
    extendInfo: {
      kind: 'json',
      max: 6000,
      inner: { kind: 'object', open: true, fields: { chinaExtraTransInfo: tradeInformationRule } },
    },
  },
};

/** payQuery and payCancel name the order by acquirementId or merchantTransId. */
const orderLookupRule: ObjectRule = {
  kind: 'object',
  required: true,
  oneOf: ['acquirementId', 'merchantTransId'],
  fields: { merchantId: id(64, true), acquirementId: id(64), merchantTransId: businessId(64) },
};

export const payQueryBodyRule = orderLookupRule;
export const payCancelBodyRule = orderLookupRule;

export const refundBodyRule: ObjectRule = {
  kind: 'object',
  required: true,
  fields: {
    merchantId: id(64, true),
    acquirementId: id(64, true),
    merchantRefundId: businessId(64, true),
    refundAmount: money(true),
    refundReason: text(256),
    extendInfo: { kind: 'json', max: 2048 },
  },
};

export const bodyRules = {
  preCreate: preCreateBodyRule,
  payQuery: payQueryBodyRule,
  payCancel: payCancelBodyRule,
  refund: refundBodyRule,
} as const;
