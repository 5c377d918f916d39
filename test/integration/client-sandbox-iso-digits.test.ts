// ISO 4217 minor units end to end over real HTTP (docs/protocol.md §5): what a cashier types as
// IDR 15,000.00 leaves the till as value "1500000" (ISO: 2 digits; Intl's display digits
// say 0, which would send "15000", a 100x undercharge), the real sandbox stores it, and
// its customer page shows it with ISO's digits. IQD (ISO 3, Intl 0) likewise.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { AlipayClient } from '../../main/alipay/client';
import { parseAmount } from '../../main/alipay/currency';
import { buildPreCreateBody } from '../../main/alipay/precreate-body';
import { startSandbox, type SandboxHandle } from '../../main/alipay/sandbox/server';
import { GatewayTransport } from '../../main/alipay/transport';
import { CLIENT_ID, MERCHANT_ID, SETUP, request, testKeyPair, uniqueTransId } from '../support/sandbox-requests';

describe('ISO digits on the wire, client ↔ sandbox over http', () => {
  let sandbox: SandboxHandle;
  let client: AlipayClient;
  let relay: http.Server;
  const wire: string[] = [];

  before(async () => {
    sandbox = await startSandbox({
      gatewayPrivateKey: testKeyPair('gateway').privateKey,
      clients: [{ clientId: CLIENT_ID, merchantId: MERCHANT_ID, publicKey: testKeyPair('client').publicKey }],
    });
    // A pass-through relay in front of the sandbox records the exact request bytes.
    const target = new URL(sandbox.url);
    relay = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        wire.push(body.toString('utf8'));
        const out = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.end(body);
      });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const port = (relay.address() as { port: number }).port;
    const transport = new GatewayTransport({ baseUrl: `http://127.0.0.1:${port}`, proxyEnv: {}, connectTimeoutMs: 2_000, timeoutMs: 5_000 });
    client = new AlipayClient({
      transport,
      clientId: CLIENT_ID,
      merchantId: MERCHANT_ID,
      keys: { merchantPrivateKey: async () => testKeyPair('client').privateKey, alipayPublicKey: async () => testKeyPair('gateway').publicKey },
    });
  });
  after(async () => {
    await client?.close();
    await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
    await sandbox?.close();
  });

  for (const [currency, typed, wireValue, shown] of [
    ['IDR', '15000.00', '1500000', '15000.00 IDR'],
    ['IQD', '1.250', '1250', '1.250 IQD'],
    ['JPY', '100', '100', '100 JPY'],
  ] as const) {
    test(`${currency} ${typed} → "${wireValue}" in orderAmount.value`, async () => {
      const amountMinor = parseAmount(typed, currency);
      const merchantTransId = uniqueTransId('I');
      const { bodyText } = buildPreCreateBody({ merchantTransId, amountMinor, currency, title: 'Nasi goreng' }, SETUP);
      const created = await client.preCreate(bodyText, { merchantTransId, amount: { currency, value: String(amountMinor) } });
      assert.equal(created.outcome.kind, 'S', JSON.stringify(created.outcome));
      const sent = wire.find((text) => text.includes(merchantTransId));
      assert.ok(sent, 'the request went through the relay');
      assert.ok(sent.includes(`"orderAmount":{"currency":"${currency}","value":"${wireValue}"}`), sent);
      const record = sandbox.orders().find((o) => o.merchantTransId === merchantTransId);
      assert.equal(record?.amount, wireValue);
      if (created.outcome.kind !== 'S') return;
      const page = await request(created.outcome.data.orderQrCode, undefined, { method: 'GET' });
      assert.ok(page.text.includes(shown), page.text.slice(0, 400));
    });
  }
});
