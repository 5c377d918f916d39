import { fingerprint } from '../../config/key-material';
import type { CallContext, HandlerTable } from '../call-context';
import { keyStatusView } from '../views';

/**
 * The merchant key pair and Alipay's public key, in the keychain. Only public halves and
 * fingerprints come back; the private key never leaves the main process.
 */

async function keyStatus(ctx: CallContext) {
  return keyStatusView(await ctx.till.vault.status(), ctx.till.sandbox());
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
