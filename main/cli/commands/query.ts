import { formatMinor } from '../../alipay/currency';
import { parse } from '../args';
import { UsageError } from '../output';
import { attemptJson, attemptLine, exitFor } from '../render-attempt';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE = 'till query MERCHANT_TRANS_ID | till query --acquirement-id ID';

export function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(ctx.args, { 'acquirement-id': { type: 'string' } }, { min: 0, max: 1, usage: USAGE });
  const acquirementId = values['acquirement-id'] as string | undefined;
  const given = positionals[0];
  if (!acquirementId && !given) return Promise.reject(new UsageError(`usage: ${USAGE}`));
  return withTill(ctx, async (till) => {
    // Receipt digits name a journaled order; anything else is asked of the gateway as it is.
    const merchantTransId = given === undefined ? undefined : (till.journal.getByTransId(given) ?? till.journal.findByTail(given, 2).find((_, i, all) => all.length === 1))?.merchantTransId ?? given;
    const attempt = await till.client().payQuery({ merchantTransId, acquirementId });
    const o = attempt.outcome;
    ctx.out.result({
      ok: o.kind === 'S',
      merchantTransId: merchantTransId ?? null,
      paymentStatus: o.kind === 'S' ? o.data.status : null,
      acquirementId: o.kind === 'S' ? (o.data.acquirementId ?? null) : null,
      paymentTime: o.kind === 'S' ? (o.data.paymentTime ?? null) : null,
      payAmount: o.kind === 'S' && o.data.payAmountMinor !== undefined ? { currency: o.data.payCurrency, value: String(o.data.payAmountMinor) } : null,
      attempt: attemptJson(attempt),
    });
    if (o.kind === 'S') {
      const paid = o.data.payAmountMinor !== undefined && o.data.payCurrency ? ` ${o.data.payCurrency} ${formatMinor(o.data.payAmountMinor, o.data.payCurrency)}` : '';
      ctx.out.say(`${merchantTransId ?? acquirementId}: ${o.data.status}${paid}${o.data.paymentTime ? ` at ${o.data.paymentTime}` : ''}`);
    } else {
      ctx.out.say(`${merchantTransId ?? acquirementId}: ${attemptLine(attempt)}`);
    }
    return exitFor(attempt);
  });
}
