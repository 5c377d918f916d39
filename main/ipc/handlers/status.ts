import { appVersion } from '../../config/app-version';
import type { TillStatusView } from '../../../preload/contract';
import type { CallContext, HandlerTable } from '../call-context';
import { readStoreLink } from '../../sync/store-link';
import { connectivityView } from '../views';

/** What every screen needs to draw itself; cheap enough to ask again on every `status` event. */

async function canSign(ctx: CallContext): Promise<boolean> {
  try {
    await ctx.till.vault.getMerchantPrivateKey();
    return true;
  } catch {
    // Missing, unusable, or the keychain is unreachable: the banner says so either way.
    return false;
  }
}

async function pinSet(ctx: CallContext): Promise<boolean> {
  try {
    return await ctx.pin.isSet();
  } catch {
    return false;
  }
}

async function tillStatus(ctx: CallContext): Promise<TillStatusView> {
  const config = ctx.till.config();
  const [signs, supervisorPinSet] = await Promise.all([canSign(ctx), pinSet(ctx)]);
  return {
    sandbox: ctx.till.sandbox(),
    locale: config.locale,
    currency: config['currency.default'],
    merchantName: config['seller.name'],
    storeName: config['store.name'],
    terminalId: config['terminal.id'],
    paymentWindowSeconds: config['payment.windowSeconds'],
    connectivity: connectivityView(ctx.till.engine().connectivity()),
    deviceProblems: ctx.devices.problems().map((d) => ({ name: d.name, role: d.role, state: d.state, code: d.code, message: d.message })),
    openAlarms: ctx.till.journal.openAlarms().length,
    canSign: signs,
    supervisorPinSet,
    supervisor: ctx.connection.session.active(),
    now: Date.now(),
    store: storeStatus(ctx),
    appVersion: appVersion(),
    update: ctx.hooks.updateStatus?.() ?? null,
  };
}

function storeStatus(ctx: CallContext): TillStatusView['store'] {
  const link = readStoreLink(ctx.till.settings);
  if (!link) return null;
  const cursor = ctx.till.journal.outbox.cursor();
  return { name: link.name, backlog: cursor.backlog, lastSentAt: cursor.lastAckAt };
}

export const statusHandlers: HandlerTable<'till.status'> = {
  'till.status': (ctx) => tillStatus(ctx),
};
