import { createPrivateKey, createPublicKey } from 'node:crypto';
import { startSandbox } from '../../main/alipay/sandbox/server';

/** The sandbox in its own process, so the bench measures client and gateway on separate cores. */
process.once('message', (msg: { gatewayPrivatePem: string; clientPublicPem: string; clientId: string; merchantId: string }) => {
  void startSandbox({
    port: 0,
    gatewayPrivateKey: createPrivateKey(msg.gatewayPrivatePem),
    clients: [{ clientId: msg.clientId, merchantId: msg.merchantId, publicKey: createPublicKey(msg.clientPublicPem) }],
  }).then((handle) => {
    process.send?.({ url: handle.url });
    process.once('disconnect', () => void handle.close().then(() => process.exit(0)));
  });
});
