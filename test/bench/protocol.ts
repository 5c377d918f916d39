import { generateKeyPairSync, sign as rsaSign, verify as rsaVerify, type KeyObject } from 'node:crypto';
import { buildHead, signRequest } from '../../main/alipay/envelope';
import { buildPreCreateBody, type MerchantSetup } from '../../main/alipay/precreate-body';
import { readResponse } from '../../main/alipay/read-response';
import { signText } from '../../main/alipay/signature';
import { pairedRates, ratioLine } from './paired';

/** Envelope build+sign and response verify+parse, one core, realistic message sizes. */

const setup: MerchantSetup = {
  merchantId: 'BENCH_MERCHANT',
  seller: { sellerId: 'S1', sellerMCC: '5499', sellerName: 'Bench Store', storeId: 'ST1', storeMCC: '5499', storeName: 'Bench Store #1', terminalId: 'T0000BENCH' },
  site: 'ALIPAY_HK',
  device: { serialNo: 'T0000BENCH', osName: 'linux', osVersion: '6.1.0', deviceName: 'till-1', systemLanguage: 'EN', timeZone: 'UTC+08:00' },
};

function keys(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export function benchProtocol(): void {
  const merchant = keys();
  const alipay = keys();
  const { bodyText } = buildPreCreateBody(
    { merchantTransId: 'T0000BENCH-20261125-000001', amountMinor: 239, currency: 'USD', title: 'Coffee and cake', items: [{ name: 'Latte', quantity: 2, unitPriceMinor: 100 }, { name: 'Cake', quantity: 1, unitPriceMinor: 39 }] },
    setup,
  );
  // The limit: RSA-2048 over the same bytes, nothing else (what envelope.ts signs).
  const signedBytes = Buffer.from(signRequest(buildHead({ api: 'preCreate', clientId: 'BENCH_CLIENT' }), bodyText, merchant.privateKey).requestText, 'utf8');
  const sign = pairedRates(
    () => {
      const head = buildHead({ api: 'preCreate', clientId: 'BENCH_CLIENT' });
      signRequest(head, bodyText, merchant.privateKey);
    },
    () => {
      rsaSign('sha256', signedBytes, merchant.privateKey);
    },
  );
  ratioLine('envelope build+sign vs bare crypto.sign (RSA-2048)', `${Math.round(sign.figure)}/s`, `${Math.round(sign.limit)}/s`, sign.figure / sign.limit, { absolute: '>= 2,500/s', ratio: '>= 0.9x' });

  const reqMsgId = 'a'.repeat(32);
  const responseText = JSON.stringify({
    head: { version: '2.0.4', function: 'alipay.intl.acquiring.offline.preCreate', clientId: 'BENCH_CLIENT', respTime: '2026-11-25T17:20:01+08:00', reqMsgId, reserve: '{}' },
    body: {
      resultInfo: { resultStatus: 'S', resultCodeId: '00000000', resultCode: 'SUCCESS', resultMsg: 'success' },
      merchantTransId: 'T0000BENCH-20261125-000001',
      orderQrCode: 'https://global.alipay.com/281002042tmCd8ZkTS2sxBuzSNu431cII',
      acquirementId: '20261125000000000000000000002747',
      createTime: '2026-11-25T17:20:01+08:00',
      orderAmount: { currency: 'USD', value: '239' },
      payScheme: 'alipays://platformapi/startApp?appId=10000007&actionType=route&qrcode=https://global.alipay.com/281002042tmCd8ZkTS2sxBuzSNu431cII',
    },
  });
  const bytes = Buffer.from(`{"response":${responseText},"signature":"${signText(responseText, alipay.privateKey)}"}`);
  const expect = { api: 'preCreate' as const, reqMsgId, merchantTransId: 'T0000BENCH-20261125-000001', amount: { currency: 'USD', value: '239' } };
  if (readResponse(bytes, alipay.publicKey, expect).kind !== 'S') throw new Error('bench response does not verify');
  const responseBytes = Buffer.from(responseText, 'utf8');
  const signatureBytes = Buffer.from(signText(responseText, alipay.privateKey), 'base64');
  const verify = pairedRates(
    () => {
      readResponse(bytes, alipay.publicKey, expect);
    },
    () => {
      rsaVerify('sha256', responseBytes, alipay.publicKey, signatureBytes);
    },
  );
  ratioLine('response verify+parse vs bare crypto.verify', `${Math.round(verify.figure)}/s`, `${Math.round(verify.limit)}/s`, verify.figure / verify.limit, { absolute: '>= 20,000/s' });
}
