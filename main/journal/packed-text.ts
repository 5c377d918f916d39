import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Gateway answers and frozen bodies are stored compressed when that saves space: a
 * response is ~1 KB of which the signature (344 Base64 characters) is the only part that
 * is not a repeat of field names or of its own request. Raw deflate with a preset
 * dictionary of those field names gets a 1 KB answer to about 40%; plain deflate cannot,
 * the texts are too short to find their own repeats.
 *
 * Stored form: TEXT is the text itself (short, or did not compress); a BLOB is one codec
 * byte followed by the compressed bytes. A codec and its dictionary are never changed once
 * shipped — a new dictionary gets a new codec byte — so every stored row stays readable.
 */

const CODEC_DEFLATE_V1 = 1;

/**
 * Fragments of what the till stores, most frequent last (deflate reaches nearer bytes
 * more cheaply). Frozen: see above.
 */
const DICTIONARY_V1 = Buffer.from(
  [
    '{"merchantId":"","productCode":"OFFLINE_PAY","merchantTransId":"","order":{"orderAmount":{"currency":"USD","value":""},',
    '"orderTitle":"","orderDetail":"","seller":{"sellerId":"","sellerMCC":"","sellerName":"","sellerEngName":"","storeId":"",',
    '"storeMCC":"","storeName":"","storeEngName":"","terminalId":"","operatorId":""}},"settleContractId":"",',
    '"riskInfo":{"deviceInfo":{"serialNo":"","terminalType":"SYSTEM","deviceName":"","osName":"Linux","osVersion":"",',
    '"screenResolution":"1920x1080","systemLanguage":"en-US","timeZone":"Asia/"},"orderInfos":[{"productName":"",',
    '"productCategory":"","productSubCategory":"","itemPrice":{"currency":"HKD","value":""}}]},',
    '"extendInfo":"{\\"chinaExtraTransInfo\\":{\\"businessType\\":\\"4\\",\\"goodsInfo\\":\\"^1|^2\\",\\"totalQuantity\\":\\"1\\"}}",',
    '"notifyUrl":"https://","userAgent":"ALIPAY_CN","merchantRedirectUrl":"","sceneType":"THIRDPARTYQRCODE"}',
    '{"merchantId":"","acquirementId":"","merchantRefundId":"","refundAmount":{"currency":"","value":""},"refundReason":""}',
    '"acquirementStatus":"INIT","acquirementStatus":"PAYING","acquirementStatus":"CLOSED","acquirementStatus":"CANCELLED",',
    '"payAmount":{"currency":"","value":""},"paymentTime":"","cancelTime":"","refundId":"","refundTime":"",',
    '"resultInfo":{"resultStatus":"F","resultCodeId":"","resultCode":"ORDER_NOT_EXIST","resultMsg":"The order does not exist"},',
    '"resultInfo":{"resultStatus":"U","resultCodeId":"00000900","resultCode":"UNKNOWN_EXCEPTION","resultMsg":""},',
    '"picUrl":"","smallPicUrl":"","bigPicUrl":"/pic?size=M/pic?size=S/pic?size=L",',
    '"payScheme":"alipays://platformapi/startApp?appId=10000007&actionType=route&qrcode=https%3A%2F%2Fqr.alipay.com%2F",',
    '"orderQrCode":"https://qr.alipay.com/","createTime":"","orderAmount":{"currency":"USD","value":""},',
    '"alipay.intl.acquiring.common.payCancel","alipay.intl.acquiring.common.refund","alipay.intl.acquiring.offline.preCreate",',
    '{"response":{"head":{"version":"2.0.4","function":"alipay.intl.acquiring.offline.payQuery","clientId":"",',
    '"respTime":"2025-01-01T00:00:00+08:00","reqMsgId":"","reserve":"{}"},"body":{"resultInfo":{"resultStatus":"S",',
    '"resultCodeId":"00000000","resultCode":"SUCCESS","resultMsg":"success"},"merchantTransId":"","acquirementId":"20',
    '"acquirementStatus":"SUCCESS","orderAmount":{"currency":"USD","value":"","createTime":"20',
    '"}},"signature":"',
  ].join(''),
  'utf8',
);

/** Below this the codec byte and deflate's own overhead eat the gain. */
const MIN_PACK_BYTES = 160;

export type PackedText = string | Buffer;

/** The stored form of `text`: compressed only when that is smaller and reads back exactly. */
export function packText(text: string): PackedText {
  // Deflate gives back the very bytes; UTF-8 gives back the very string unless it holds a
  // lone surrogate, which would come back as U+FFFD: such text is kept as it is.
  if (text.length < MIN_PACK_BYTES || LONE_SURROGATE.test(text)) return text;
  const raw = Buffer.from(text, 'utf8');
  const packed = deflateRawSync(raw, { dictionary: DICTIONARY_V1, level: 9 });
  if (packed.length + 1 >= raw.length) return text;
  return Buffer.concat([Buffer.of(CODEC_DEFLATE_V1), packed]);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unpackText(value: PackedText): string;
export function unpackText(value: PackedText | null): string | null;
export function unpackText(value: PackedText | null): string | null {
  if (value === null || typeof value === 'string') return value;
  const codec = value[0];
  if (codec !== CODEC_DEFLATE_V1) {
    throw new Error(`stored text has unknown codec ${String(codec)}: written by a newer till?`);
  }
  return inflateRawSync(value.subarray(1), { dictionary: DICTIONARY_V1 }).toString('utf8');
}
