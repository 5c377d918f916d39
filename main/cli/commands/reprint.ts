import { TillError } from '../../errors';
import { parse } from '../args';
import { EXIT } from '../output';
import { findOrder } from '../order-lookup';
import { orderJson } from '../render-order';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE = 'till reprint ID   (the merchantTransId or its last digits)';

/**
 * The cashier's explicit second copy, marked REPRINT: the receipt of a paid or refunded
 * order, or the scan-to-pay slip of one awaiting payment. The only way a slip prints twice.
 */
export function run(ctx: CommandContext): Promise<number> {
  const { positionals } = parse(ctx.args, {}, { min: 1, max: 1, usage: USAGE });
  return withTill(ctx, async (till) => {
    const order = findOrder(till.journal, positionals[0]!);
    const result = await till.devices.get().checkout.reprint(order).done;
    if (!result.ok) {
      throw new TillError(result.code ?? 'PRINT_FAILED', `the reprint of ${order.merchantTransId} did not print on ${result.device}: ${result.message ?? 'unknown error'}`);
    }
    const slip = order.state === 'AWAITING_PAYMENT' ? 'scan-to-pay slip' : 'receipt';
    ctx.out.result({ ok: true, merchantTransId: order.merchantTransId, slip, device: result.device, bytes: result.bytes, order: orderJson(order) });
    ctx.out.say(`Reprinted the ${slip} of ${order.merchantTransId} on ${result.device} (${result.bytes} bytes).`);
    return EXIT.ok;
  });
}
