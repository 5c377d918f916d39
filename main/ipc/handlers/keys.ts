import { fingerprint } from '../../config/key-material';
import type { CallContext, HandlerTable } from '../call-context';
import { keyStatusView } from '../views';

/**
 * The merchant key pair and Alipay's public key, in the keychain. Only public halves and
 * fingerprints come back; the private key never leaves the main process.
 */

async function keyStatus(ctx: CallContext) {
  const view = keyStatusView(await ctx.till.vault.status(), ctx.till.sandbox());
  if (!view.sandbox) return view;
  // On the sandbox profile the gateway's own key plays Alipay's (open-till's createClient):
  // that is the key answers are verified with, so that is the one the screen reports.
  const gatewayPem = (await ctx.till.vault.getSandboxGatewayPublicKey()).export({ type: 'spki', format: 'pem' }) as string;
  return { ...view, alipayKeyPresent: true, alipayKeyValid: true, alipayFingerprint: fingerprint(gatewayPem), alipayKeyIsMerchantKey: false };
}

export const keyHandlers: HandlerTable<'keys.status' | 'keys.generate' | 'keys.publicKey' | 'keys.importAlipay'> = {
  'keys.status': keyStatus,
  'keys.generate': async (ctx, { replace }) => {
    const info = await ctx.till.vault.generateMerchantKey({ replace: replace === true });
    await ctx.hooks.merchantKeyChanged?.();
    ctx.statusChanged();
    return { publicKeyPem: info.publicKeyPem, fingerprint: info.fingerprint };
  },
  'keys.publicKey': async (ctx) => {
    const publicKeyPem = await ctx.till.vault.merchantPublicKeyPem();
    return { publicKeyPem, fingerprint: fingerprint(publicKeyPem) };
  },
  'keys.importAlipay': async (ctx, { pem }) => {
    await ctx.till.vault.importAlipayPublicKey(pem);
    ctx.statusChanged();
    return keyStatus(ctx);
  },
};
