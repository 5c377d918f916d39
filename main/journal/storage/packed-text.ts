import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Gateway answers and frozen bodies are stored compressed when that saves space: a
 * response is ~1 KB of which the signature (344 Base64 characters) is the only part that
 * is not a repeat of field names or of its own request. Raw deflate with a preset
 * dictionary of those field names gets a 1 KB answer to about 40%; plain deflate cannot,
 * the texts are too short to find their own repeats.
 *
 * Stored form: TEXT is the text itself (short, or did not compress); a BLOB is one codec
 * byte followed by what that codec needs. A codec and its dictionary are never changed
 * once shipped — a new dictionary gets a new codec byte — so every stored row stays
 * readable. Every codec after the first is checked when packing: what is stored is
 * unpacked again and must give back the very text, or the text is stored another way.
 *
 * - 1: raw deflate against DICTIONARY_V1.
 * - 2 (bodies): raw deflate against DICTIONARY_V1 followed by an earlier body kept once
 *   in reference_bodies (main/journal/reference-bodies.ts): every body of a till repeats
 *   the merchant's setup, which then costs a few bytes instead of ~200.
 *   [2][reference id, LEB128][deflated text]
 * - 3 (signed answers `{"response":R,"signature":"S"}`): the signature as its raw bytes
 *   (deflate cannot pack Base64 below ~7 bits a character: 256 bytes instead of ~290),
 *   R deflated against DICTIONARY_V1 followed by the request id the answer echoes (the
 *   attempt row's req_msg_id, frozen with it). The exact text is rebuilt around them.
 *   [3][signature length, LEB128][signature bytes][deflated R]
 */

const CODEC_DEFLATE_V1 = 1;
const CODEC_REFERENCE = 2;
const CODEC_SIGNED_ANSWER = 3;

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

/** What codecs 2 and 3 were packed against, given back when unpacking. */
export interface UnpackContext {
  /** The zlib dictionary of a reference body (referenceDictionary of its text), by id. */
  reference?: (id: number) => Buffer;
  /** The request id a signed answer echoes: its attempt row's req_msg_id. */
  echo?: string;
}

/** Short text, and text UTF-8 cannot give back (a lone surrogate would come back as U+FFFD), is kept as it is. */
function packable(text: string): boolean {
  return text.length >= MIN_PACK_BYTES && !LONE_SURROGATE.test(text);
}

/** The stored form of `text`: compressed only when that is smaller and reads back exactly. */
export function packText(text: string): PackedText {
  if (!packable(text)) return text;
  const raw = Buffer.from(text, 'utf8');
  const packed = deflateRawSync(raw, { dictionary: DICTIONARY_V1, level: 9 });
  if (packed.length + 1 >= raw.length) return text;
  return Buffer.concat([Buffer.of(CODEC_DEFLATE_V1), packed]);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The zlib dictionary codec 2 uses for a reference body. */
export function referenceDictionary(referenceText: string): Buffer {
  return Buffer.concat([DICTIONARY_V1, Buffer.from(referenceText, 'utf8')]);
}

/** `text` packed against a reference body (codec 2), or undefined when that is not smaller than `than` bytes. */
export function packAgainstReference(text: string, referenceId: number, dictionary: Buffer, than = Infinity): Buffer | undefined {
  if (!packable(text) || !Number.isSafeInteger(referenceId) || referenceId < 0) return undefined;
  const raw = Buffer.from(text, 'utf8');
  const deflated = deflateRawSync(raw, { dictionary, level: 9 });
  const packed = Buffer.concat([Buffer.of(CODEC_REFERENCE), leb128(referenceId), deflated]);
  if (packed.length >= Math.min(than, raw.length)) return undefined;
  return unpackText(packed, { reference: () => dictionary }) === text ? packed : undefined;
}

const ANSWER_HEAD = '{"response":';
const ANSWER_SIGNATURE = ',"signature":"';
const ANSWER_TAIL = '"}';

/**
 * A gateway answer's stored form: codec 3 when it is a signed answer whose signature is
 * canonical Base64 and the whole reads back exactly, else as packText.
 */
export function packAnswer(text: string, echo: string): PackedText {
  // The signature alone is 256 bytes as codec 3 stores it and ~290 as codec 1 would.
  return packSignedAnswer(text, echo) ?? packText(text);
}

function packSignedAnswer(text: string, echo: string): Buffer | undefined {
  if (!packable(text) || !text.startsWith(ANSWER_HEAD) || !text.endsWith(ANSWER_TAIL)) return undefined;
  const at = text.lastIndexOf(ANSWER_SIGNATURE);
  if (at < ANSWER_HEAD.length) return undefined;
  const signatureText = text.slice(at + ANSWER_SIGNATURE.length, -ANSWER_TAIL.length);
  const signature = Buffer.from(signatureText, 'base64');
  // Only a signature that is its own canonical spelling can be rebuilt from its bytes.
  if (signature.length === 0 || signature.toString('base64') !== signatureText) return undefined;
  const response = Buffer.from(text.slice(ANSWER_HEAD.length, at), 'utf8');
  const deflated = deflateRawSync(response, { dictionary: answerDictionary(echo), level: 9 });
  const packed = Buffer.concat([Buffer.of(CODEC_SIGNED_ANSWER), leb128(signature.length), signature, deflated]);
  if (packed.length >= Buffer.byteLength(text, 'utf8')) return undefined;
  return unpackText(packed, { echo }) === text ? packed : undefined;
}

function answerDictionary(echo: string): Buffer {
  return Buffer.concat([DICTIONARY_V1, Buffer.from(`"reqMsgId":"${echo}"`, 'utf8')]);
}

/** Bytes a stored form takes (as SQLite stores TEXT: UTF-8). */
export function storedLength(value: PackedText): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

export function unpackText(value: PackedText, context?: UnpackContext): string;
export function unpackText(value: PackedText | null, context?: UnpackContext): string | null;
export function unpackText(value: PackedText | null, context: UnpackContext = {}): string | null {
  if (value === null || typeof value === 'string') return value;
  const codec = value[0];
  switch (codec) {
    case CODEC_DEFLATE_V1:
      return inflateRawSync(value.subarray(1), { dictionary: DICTIONARY_V1 }).toString('utf8');
    case CODEC_REFERENCE: {
      const [id, start] = readLeb128(value, 1);
      if (context.reference === undefined) throw new Error(`stored text is packed against reference body ${id}, which was not given`);
      return inflateRawSync(value.subarray(start), { dictionary: context.reference(id) }).toString('utf8');
    }
    case CODEC_SIGNED_ANSWER: {
      if (context.echo === undefined) throw new Error('stored answer is packed against its request id, which was not given');
      const [length, start] = readLeb128(value, 1);
      const end = start + length;
      if (end > value.length) throw new Error('stored answer is cut short');
      const signature = value.subarray(start, end).toString('base64');
      const response = inflateRawSync(value.subarray(end), { dictionary: answerDictionary(context.echo) }).toString('utf8');
      return `${ANSWER_HEAD}${response}${ANSWER_SIGNATURE}${signature}${ANSWER_TAIL}`;
    }
    default:
      throw new Error(`stored text has unknown codec ${String(codec)}: written by a newer till?`);
  }
}

function leb128(n: number): Buffer {
  const out: number[] = [];
  let rest = n;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return Buffer.from(out);
}

function readLeb128(buffer: Buffer, offset: number): [number, number] {
  let n = 0;
  let scale = 1;
  for (let i = offset; i < buffer.length && i < offset + 8; i++) {
    const byte = buffer[i]!;
    n += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [n, i + 1];
    scale *= 128;
  }
  throw new Error('stored text has a malformed length');
}
