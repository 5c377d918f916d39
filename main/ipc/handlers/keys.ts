import { ROUTER_ERROR_CODES } from '../../../preload/contract';
import { auditedKeyChange } from '../../config/key-changes';
import { fingerprint } from '../../config/key-material';
import { TillError } from '../../errors';
import type { CallContext, HandlerTable } from '../call-context';
import { keyStatusView } from '../views';

/**
 * The merchant key pair and Alipay's public key, in the keychain. Only public halves and
 * fingerprints come back; the private key never leaves the main process. A screen may make
 * the first merchant key of a till being installed; replacing it and importing Alipay's
 * key are done at the terminal (`till keys generate --replace`, `import-alipay-public`),
 * where they are journaled and raise an alarm (docs/architecture.md, "Who may change what
 * the till trusts").
 */

function terminalOnly(what: string, command: string): TillError {
  return new TillError(ROUTER_ERROR_CODES.keysTerminalOnly, `${what} is done at the till's terminal, not from a screen: run \`${command}\` there. Nothing was changed.`);
}

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
    if (replace === true) throw terminalOnly('Replacing the merchant key', 'till keys generate --replace');
    const info = await auditedKeyChange(ctx.till.vault, ctx.till.journal, 'supervisor', 'merchantPrivateKey', () => ctx.till.vault.generateMerchantKey());
    await ctx.hooks.merchantKeyChanged?.();
    ctx.statusChanged();
    return { publicKeyPem: info.publicKeyPem, fingerprint: info.fingerprint };
  },
  'keys.publicKey': async (ctx) => {
    const publicKeyPem = await ctx.till.vault.merchantPublicKeyPem();
    return { publicKeyPem, fingerprint: fingerprint(publicKeyPem) };
  },
  'keys.importAlipay': () => {
    throw terminalOnly("Importing Alipay's public key", 'till keys import-alipay-public FILE');
  },
};
