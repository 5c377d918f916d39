import { generateKeyPairSync } from 'node:crypto';
import { Agent, request } from 'undici';
import { AlipayClient } from '../../main/alipay/client';
import { toMoney } from '../../main/alipay/currency';
import { buildHead, signRequest } from '../../main/alipay/envelope';
import { API } from '../../main/alipay/functions';
import { buildPreCreateBody, type MerchantSetup } from '../../main/alipay/precreate-body';
import { GatewayTransport } from '../../main/alipay/transport';
import { forkBenchChild } from './bench-child';
import { pairedAsyncRates, ratioLine } from './paired';

const CLIENT_ID = 'BENCH_CLIENT';
const MERCHANT_ID = 'BENCH_MERCHANT';

const setup: MerchantSetup = {
  merchantId: MERCHANT_ID,
  seller: { sellerId: 'S1', sellerMCC: '5499', sellerName: 'Bench Store', storeId: 'ST1', storeMCC: '5499', storeName: 'Bench Store #1', terminalId: 'TBENCH' },
  site: 'ALIPAY_HK',
};

/** A bench server in its own process (on the other core); its URL comes back. */
async function child(file: string, message: object): Promise<{ url: string; stop(): void }> {
  const { proc, first } = await forkBenchChild<{ url: string }>(file, message);
  return { url: first.url, stop: () => proc.disconnect() };
}

/**
 * preCreate round trips per second, client ↔ sandbox (separate process) over loopback
 * keep-alive, beside bare keep-alive HTTP round trips (undici to a `node:http` server in its
 * own process answering a fixed body of the same size), in alternating windows.
 */
export async function benchRoundTrips(seconds = 6, inFlight = 8): Promise<void> {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const gateway = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sandbox = await child('sandbox-child.ts', {
    gatewayPrivatePem: gateway.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    clientPublicPem: merchant.publicKey.export({ type: 'spki', format: 'pem' }),
    clientId: CLIENT_ID,
    merchantId: MERCHANT_ID,
  });
  const url = sandbox.url;
  const client = new AlipayClient({
    transport: new GatewayTransport({ baseUrl: url }),
    clientId: CLIENT_ID,
    merchantId: MERCHANT_ID,
    keys: { merchantPrivateKey: async () => merchant.privateKey, alipayPublicKey: async () => gateway.publicKey },
  });
  let seq = 0;
  let other = 0;
  const one = async (): Promise<void> => {
    const merchantTransId = `TBENCH-${process.pid}-${++seq}`;
    const { bodyText } = buildPreCreateBody({ merchantTransId, amountMinor: 239, currency: 'USD', title: 'Coffee' }, setup);
    const attempt = await client.preCreate(bodyText, { merchantTransId, amount: toMoney(239, 'USD') });
    if (attempt.outcome.kind !== 'S') other++;
  };
  // Warm-up: connections, JIT; and the sizes the bare exchange copies.
  for (let i = 0; i < 50; i++) await one();
  // The bare exchange carries the same sizes: one real envelope and its answer, measured.
  const { bodyText } = buildPreCreateBody({ merchantTransId: `TBENCH-${process.pid}-size`, amountMinor: 239, currency: 'USD', title: 'Coffee' }, setup);
  const envelope = signRequest(buildHead({ api: 'preCreate', clientId: CLIENT_ID }), bodyText, merchant.privateKey).envelope;
  const probe = new GatewayTransport({ baseUrl: url });
  const answerBytes = (await probe.post(API.preCreate.path, envelope)).bytes.length;
  await probe.close();
  const requestBytes = Buffer.byteLength(envelope);
  const bare = await child('bare-http-child.ts', { bodyBytes: answerBytes });
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const requestBody = 'x'.repeat(requestBytes);
  const bareOne = async (): Promise<void> => {
    const response = await request(`${bare.url}/`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json; charset=utf-8' }, body: requestBody });
    await response.body.arrayBuffer();
  };
  other = 0;
  const rates = await pairedAsyncRates(one, bareOne, inFlight, seconds);
  await client.close();
  await agent.close();
  sandbox.stop();
  bare.stop();
  if (other > 0) throw new Error(`${other} round trips did not succeed`);
  ratioLine(`preCreate round trips vs bare HTTP (loopback, ${inFlight} in flight)`, `${Math.round(rates.figure)}/s`, `${Math.round(rates.limit)}/s`, rates.figure / rates.limit, { absolute: '>= 800/s', ratio: '>= 0.5x' });
}
