import { parseAmount } from '../../alipay/currency';
import { refundIdFor } from '../../checkout/refund-key';
import { parse, requireOption, stringOption } from '../args';
import { EXIT } from '../output';
import { findOrder } from '../order-lookup';
import { money } from '../render-order';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE = 'till refund ID --amount 1.00 [--reason TEXT] [--key KEY]';

/**
 * A refund is journaled with its merchantRefundId before it is sent; an unknown outcome is
 * retried with the same id (by this command while it waits, else by `till resolve`).
 * The refund key makes the command safe to run again: without --key it is the amount, so
 * the same command after a timeout or a crash finds the refund it made instead of making
 * a second one; refunding the same amount twice on purpose takes a new --key.
 */
export function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(ctx.args, { amount: { type: 'string' }, reason: { type: 'string' }, key: { type: 'string' } }, { min: 1, max: 1, usage: USAGE });
  return withTill(ctx, async (till) => {
    const order = findOrder(till.journal, positionals[0]!);
    const amountMinor = parseAmount(requireOption(values, 'amount', USAGE), order.currency);
    const refundKey = stringOption(values, 'key') ?? `amount-${amountMinor}`;
    const repeated = till.journal.getRefundByMerchantId(refundIdFor(order.merchantTransId, refundKey)) !== undefined;
    const engine = till.engine();
    engine.start();
    const refund = await engine.refund(order.id, amountMinor, stringOption(values, 'reason'), 'cli', refundKey);
    if (repeated) ctx.out.say(`${refund.merchantRefundId}: this refund was already asked (same order, amount and key); not refunding again. To refund the same amount a second time, give a new --key.`);
    const deadline = Date.now() + till.config()['gateway.timeoutMs'] * 4;
    let current = refund;
    while (current.state === 'PENDING' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      current = till.journal.getRefund(refund.id)!;
    }
    ctx.out.result({
      ok: current.state === 'SUCCEEDED',
      merchantTransId: order.merchantTransId,
      merchantRefundId: current.merchantRefundId,
      state: current.state,
      refundAmount: { currency: current.currency, value: String(current.amountMinor) },
      refundId: current.refundId,
      resultCode: current.resultCode,
      repeated,
    });
    const amount = money(current.amountMinor, current.currency);
    if (current.state === 'SUCCEEDED') ctx.out.say(`${current.merchantRefundId}: refunded ${amount}`);
    else if (current.state === 'FAILED') ctx.out.say(`${current.merchantRefundId}: refund of ${amount} refused (${current.resultCode})`);
    else ctx.out.say(`${current.merchantRefundId}: no answer yet; the refund is journaled and will be retried with the same id (\`till resolve\`).`);
    return current.state === 'SUCCEEDED' ? EXIT.ok : current.state === 'FAILED' ? EXIT.declined : EXIT.unknown;
  });
}
