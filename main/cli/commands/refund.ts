import { randomBytes } from 'node:crypto';
import { formatMinor, parseAmount, toMoney } from '../../alipay/currency';
import { refundBodyText } from '../../alipay/sibling-bodies';
import { TillError } from '../../errors';
import { parse, requireOption, stringOption } from '../args';
import { attemptJson, attemptLine, exitFor } from '../render-attempt';
import type { CommandContext } from '../till';
import { withTill } from '../with-till';

const USAGE = 'till refund MERCHANT_TRANS_ID --amount 1.00 [--reason TEXT] [--refund-id RID] [--currency C]';

export function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(
    ctx.args,
    { amount: { type: 'string' }, reason: { type: 'string' }, 'refund-id': { type: 'string' }, currency: { type: 'string' } },
    { min: 1, max: 1, usage: USAGE },
  );
  const merchantTransId = positionals[0]!;
  return withTill(ctx, async (till) => {
    const client = till.client();
    // The refund names the payment by acquirementId: ask the gateway for it and for the paid currency.
    const query = await client.payQuery({ merchantTransId });
    if (query.outcome.kind !== 'S') {
      throw new TillError('ORDER_NOT_REFUNDABLE', `cannot find the payment of ${merchantTransId}: ${attemptLine(query)}`, { field: 'ID' });
    }
    const paid = query.outcome.data;
    if (paid.status !== 'SUCCESS' || !paid.acquirementId) {
      throw new TillError('ORDER_NOT_REFUNDABLE', `${merchantTransId} is ${paid.status}, not paid: nothing to refund`, { field: 'ID' });
    }
    const currency = stringOption(values, 'currency') ?? paid.payCurrency ?? till.config()['currency.default'];
    const amountMinor = parseAmount(requireOption(values, 'amount', USAGE), currency);
    // Re-running with the same --refund-id is a retry of the same refund, never a second one.
    const merchantRefundId = stringOption(values, 'refund-id') ?? `${merchantTransId.slice(0, 40)}-R${randomBytes(3).toString('hex').toUpperCase()}`;
    const bodyText = refundBodyText(client.merchantId, {
      acquirementId: paid.acquirementId,
      merchantRefundId,
      amountMinor,
      currency,
      reason: stringOption(values, 'reason'),
    });
    const attempt = await client.refund(bodyText, { merchantRefundId, refundAmount: toMoney(amountMinor, currency) });
    const o = attempt.outcome;
    ctx.out.result({
      ok: o.kind === 'S',
      merchantTransId,
      merchantRefundId,
      refundAmount: { currency, value: String(amountMinor) },
      refundId: o.kind === 'S' ? (o.data.refundId ?? null) : null,
      attempt: attemptJson(attempt),
    });
    ctx.out.say(`${merchantRefundId}: ${o.kind === 'S' ? `refunded ${currency} ${formatMinor(amountMinor, currency)}` : attemptLine(attempt)}`);
    if (o.kind === 'U') ctx.out.say(`Outcome unknown: retry with the same id: till refund ${merchantTransId} --amount ${formatMinor(amountMinor, currency)} --refund-id ${merchantRefundId}`);
    return exitFor(attempt);
  });
}
