import { fork } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { AlipayClient } from '../../main/alipay/client';
import { toMoney } from '../../main/alipay/currency';
import { buildPreCreateBody, type MerchantSetup } from '../../main/alipay/precreate-body';
import { GatewayTransport } from '../../main/alipay/transport';
import { line } from './measure';

const CLIENT_ID = 'BENCH_CLIENT';
const MERCHANT_ID = 'BENCH_MERCHANT';

const setup: MerchantSetup = {
  merchantId: MERCHANT_ID,
  seller: { sellerId: 'S1', sellerMCC: '5499', sellerName: 'Bench Store', storeId: 'ST1', storeMCC: '5499', storeName: 'Bench Store #1', terminalId: 'TBENCH' },
  site: 'ALIPAY_HK',
};

/** preCreate round trips per second, client ↔ sandbox (separate process) over loopback keep-alive. */
export async function benchRoundTrips(seconds = 3, inFlight = 8): Promise<void> {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const gateway = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const child = fork(path.join(__dirname, 'sandbox-child.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`sandbox child exited ${code}`)));
    child.send({
      gatewayPrivatePem: gateway.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      clientPublicPem: merchant.publicKey.export({ type: 'spki', format: 'pem' }),
      clientId: CLIENT_ID,
      merchantId: MERCHANT_ID,
    });
  });
  const client = new AlipayClient({
    transport: new GatewayTransport({ baseUrl: url }),
    clientId: CLIENT_ID,
    merchantId: MERCHANT_ID,
    keys: { merchantPrivateKey: async () => merchant.privateKey, alipayPublicKey: async () => gateway.publicKey },
  });
  let seq = 0;
  let ok = 0;
  let other = 0;
  const one = async (): Promise<void> => {
    const merchantTransId = `TBENCH-${process.pid}-${++seq}`;
    const { bodyText } = buildPreCreateBody({ merchantTransId, amountMinor: 239, currency: 'USD', title: 'Coffee' }, setup);
    const attempt = await client.preCreate(bodyText, { merchantTransId, amount: toMoney(239, 'USD') });
    if (attempt.outcome.kind === 'S') ok++;
    else other++;
  };
  // Warm-up: connections, JIT.
  for (let i = 0; i < 50; i++) await one();
  ok = 0;
  other = 0;
  const start = Date.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() < end) await one();
    }),
  );
  const elapsed = (Date.now() - start) / 1000;
  await client.close();
  child.disconnect();
  if (other > 0) throw new Error(`${other} round trips did not succeed`);
  line(`preCreate round trips client<->sandbox (loopback, ${inFlight} in flight)`, `${Math.round(ok / elapsed)}/s`, '>= 800/s');
}
