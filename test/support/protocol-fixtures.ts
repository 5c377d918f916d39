// Shared fixtures for the protocol-core tests (main/alipay/*). Keys are generated at test
// time and never written to disk.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import type { MerchantSetup } from '../../main/alipay/precreate-body';
import { textProblem } from '../../main/alipay/utf8-text';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function newPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey };
}

let merchant: KeyPair | undefined;
let alipay: KeyPair | undefined;

/** The till's own pair: it signs requests. */
export function merchantKeys(): KeyPair {
  return (merchant ??= newPair());
}

/** A second pair standing in for Alipay: it signs responses. */
export function alipayKeys(): KeyPair {
  return (alipay ??= newPair());
}

export function merchantSetup(overrides: Partial<MerchantSetup> = {}): MerchantSetup {
  return {
    merchantId: '2188120000000001',
    seller: {
      sellerId: '2188120000000415',
      sellerMCC: '5691',
      sellerName: 'Zara',
      storeId: '2188120000000415',
      storeMCC: '5691',
      storeName: 'Zara-Store #30',
      terminalId: 'Z98-TILL-01',
      operatorId: 'Juliet-001',
    },
    site: 'ALIPAY_HK',
    ...overrides,
  };
}

/**
 * The request sample of alipay-offline-preCreate.txt, body part, as printed there except:
 * the trailing comma after orderDetail is removed (the sample is not valid JSON with it),
 * and storeMCC, which the seller table marks Required but the sample omits, is added.
 */
export const SPEC_SAMPLE_BODY_TEXT = `{
                  "merchantId": "211xxxxxxxxxxxxxx2999",
                  "productCode": "OFFLINE_PAY",
                  "merchantTransId": "510xxxxxxxxxxxxx0002",
                  "order": {
                      "orderAmount": {
                          "currency": "USD",
                          "value": "239"
                      },
                      "seller":{
                         "sellerId": "211xxxxxxxxxxxxxx0415",
                         "sellerName": "Zara",
                         "storeName": "Zara-Store  #30",
                         "sellerMCC": "5691",
                         "storeMCC": "5691",
                         "terminalId": "Z98xxxxxx9745",
                         "storeId": "211xxxxxxxxxxxxxx0415"
                      },
                      "orderTitle": "Women Summer Dress",
                      "orderDetail": "New White Lace Sleeveless Cute Casual Summer Dresses Vestidos roupas femininas WQW10"
                  },
                  "settleContractId": "USD-1",
                  "riskInfo": {
                      "deviceInfo": {
                          "sessionId": "26dxxxxxxxxxxxxxxxxxxxxxxxxx03e9",
                          "serialNo": "f0c0ec9a",
                          "clientIp": "121.0.29.220",
                          "latitudeLongitude": "39.9151190000,116.4039630000",
                          "idfa": "5D08BADB6-B7D1-46DE-BDAB-B66468A1EFCC",
                          "terminalType": "APP",
                          "deviceName": "Mike's iPhone",
                          "deviceBrand": "APPLE",
                          "deviceModel": "iPhone 7 Plus",
                          "imei": "863xxxxxxxx5012",
                          "osName": "ios",
                          "osVersion": "9.1.1",
                          "wirelessNetwork": "china unicom",
                          "wirelessCarrier": "china unicom",
                          "flightMode": "enabled",
                          "fingerPrintEnabled": "enabled",
                          "deviceBootTime": "2001-07-04T12:08:56+05:30",
                          "lastUnlockTime": "2001-07-04T12:08:56+05:30",
                          "screenResolution": "1024*768",
                          "isJailbreaked": true,
                          "macAddress": "8c:be:be:71:1f:34",
                          "systemLanguage": "EN",
                          "timeZone": "UTC+11"
                      },
                      "userInfo": {
                          "signupTime": "2001-07-04T12:08:56+05:30",
                          "lastLoginTime": "2001-07-04T12:08:56+05:30",
                          "merchantUserId": "user0001"
                      },
                      "orderInfos": [
                          {
                              "productName": "iPhone 7",
                              "productCategory": "Phone",
                              "productSubCategory": "smart phone",
                              "itemPrice": {
                                  "currency": "USD",
                                  "value": "239"
                              }
                          }
                      ],
                      "riskExtendInfo": "{}"
                  },
                  "extendInfo": "{\\"chinaExtraTransInfo\\":{\\"businessType\\":\\"5\\"}}",
                  "notifyUrl": "http://notify.com",
                  "userAgent": "ALIPAY_HK",
                  "merchantRedirectUrl": "http://success.com",
                  "sceneType": "THIRDPARTYQRCODE"
              }`;

/** A fresh deep copy of the spec's sample body, to mutate in a test (at any path, hence any). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SampleBody = Record<string, any>;
export function specSampleBody(): SampleBody {
  return JSON.parse(SPEC_SAMPLE_BODY_TEXT) as SampleBody;
}

/**
 * The "Request succeeds" synchronous response sample of the spec, `response` value only,
 * with the gateway's own spacing (including the stray space after "USD",).
 */
export const SPEC_SUCCESS_RESPONSE_TEXT = `{
              "head":{
                  "version":"2.0.4",
                  "function":"alipay.intl.acquiring.offline.preCreate",
                  "clientId":"211xxxxxxxxxxxxxx0044",
                  "respTime":"2001-07-04T12:08:56+05:30",
                  "reqMsgId":"123xxxxxxxxxxxxxxx3fda",
                  "reserve":"{}"
              },
              "body":{
                  "resultInfo":{
                      "resultStatus":"S",
                      "resultCodeId":"00000000",
                      "resultCode":"SUCCESS",
                      "resultMsg":"success"
                  },
                  "merchantTransId":"510xxxxxxxxxxxxx0002",
                  "orderQrCode":"https://global.alipay.com/281002042tmCd8ZkTS2sxBuzSNu431cII",
                  "extendInfo":"{\\"isEnterpriseUser\\":\\"true\\"}",
                  "bigPicUrl":"http://mobilecodec.alipay.com/show.htm?code=bax06253ak3kj15fkjf700a4&picSize=L",
                  "smallPicUrl":"http://mobilecodec.alipay.com/show.htm?code=bax00636140jfx40pmiz518a&picSize=S",
                  "picUrl":"http://mobilecodec.alipay.com/show.htm?code=bax00636140jfx40pmiz518a&picSize=M",
                  "acquirementId":"201xxxxxxxxxxxxxxxxxxxxx2747",
                  "createTime":"2001-07-04T12:08:56+05:30",
                  "orderAmount":{
                      "currency":"USD", 
                      "value":"239"
                  },
                  "payScheme":"alipays://platformapi/startApp?appId=10000007&actionType=route&qrcode=https://global.alipay.com/281002042tmCd8ZkTS2sxBuzSNu431cII"
              }
          }`;

/** The "Request fails" sample: F / PROCESS_FAIL that still carries an orderQrCode. */
export const SPEC_FAILURE_RESPONSE_TEXT = SPEC_SUCCESS_RESPONSE_TEXT.replace(
  `"resultStatus":"S",
                      "resultCodeId":"00000000",
                      "resultCode":"SUCCESS",
                      "resultMsg":"success"`,
  `"resultStatus":"F",
                      "resultCodeId":"00000019",
                      "resultCode":"PROCESS_FAIL",
                      "resultMsg":"General business failure"`,
);

/** What the sample request carried, as readResponse is told to expect it. */
export const SPEC_SAMPLE_EXPECT = {
  reqMsgId: '123xxxxxxxxxxxxxxx3fda',
  merchantTransId: '510xxxxxxxxxxxxx0002',
  amount: { currency: 'USD', value: '239' },
} as const;

export interface SignedAnswer {
  bytes: Buffer;
  /** Byte offsets of the signed `response` value and of the signature string's contents. */
  responseSpan: { start: number; end: number };
  signatureSpan: { start: number; end: number };
}

/**
 * Plays the gateway: signs `responseText` exactly as given (no re-serialization) and wraps
 * it as `{"response":…,"signature":"…"}` with the spec sample's outer layout.
 */
export function signedAnswer(responseText: string, privateKey: KeyObject = alipayKeys().privateKey): SignedAnswer {
  const signature = sign('sha256', Buffer.from(responseText, 'utf8'), privateKey).toString('base64');
  const before = '{\n          "response":';
  const middle = ',\n          "signature":"';
  const after = '"\n      }';
  const bytes = Buffer.from(`${before}${responseText}${middle}${signature}${after}`, 'utf8');
  const responseStart = Buffer.byteLength(before);
  const responseEnd = responseStart + Buffer.byteLength(responseText);
  const signatureStart = responseEnd + Buffer.byteLength(middle);
  return {
    bytes,
    responseSpan: { start: responseStart, end: responseEnd },
    signatureSpan: { start: signatureStart, end: signatureStart + signature.length },
  };
}

/** Compact `response` text for a head/body pair, as a gateway that sends compact JSON. */
export function responseText(body: Record<string, unknown>, head: Record<string, unknown> = {}): string {
  return JSON.stringify({
    head: {
      version: '2.0.4',
      function: 'alipay.intl.acquiring.offline.preCreate',
      clientId: '211xxxxxxxxxxxxxx0044',
      respTime: '2001-07-04T12:08:56+05:30',
      reqMsgId: SPEC_SAMPLE_EXPECT.reqMsgId,
      reserve: '{}',
      ...head,
    },
    body,
  });
}

/** Free text a cashier may key: CJK, emoji (astral and ZWJ sequences), accents, quotes, separators. */
const TEXT_UNITS = ['中', '文', '字', '😀', '👩‍👩‍👧', '🇭🇰', 'é', 'e\u0301', 'a', 'Z', '7', ' ', '\t', '\n', '"', '\\', '|', '^', '–', '\u3000'];

/**
 * Any well-formed string (no lone surrogates): graphemes, arbitrary code points, or cashier
 * text. Half of the draws use size 'max' so that lengths reach maxLength (fast-check's
 * default size keeps strings short, which would leave byte limits untested).
 */
export function anyUnicode(maxLength = 300): fc.Arbitrary<string> {
  const strings = (size: fc.SizeForArbitrary) => [
    fc.string({ unit: 'grapheme', maxLength, size }),
    fc.string({ unit: 'binary', maxLength, size }),
    fc.string({ unit: fc.constantFrom(...TEXT_UNITS), maxLength: maxLength * 2, size }),
  ];
  return fc.oneof(...strings('small'), ...strings('max'));
}

/** Well-formed text that also passes textProblem (what the builder accepts as free text). */
export function cashierText(maxLength = 300): fc.Arbitrary<string> {
  return anyUnicode(maxLength).filter((s) => textProblem(s) === undefined && s.trim() !== '');
}

/** Every UTF-16 unit of `s` written as a \uXXXX escape: the same JSON string, other bytes. */
export function jsonEscapeAll(s: string): string {
  return `"${Array.from({ length: s.length }, (_, i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"`;
}
