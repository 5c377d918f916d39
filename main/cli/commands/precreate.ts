import { randomInt } from 'node:crypto';
import { formatMinor, parseAmount, toMoney } from '../../alipay/currency';
import type { Attempt, PreCreateData } from '../../alipay/outcome';
import { buildPreCreateBody } from '../../alipay/precreate-body';
import { parse, requireOption, stringOption } from '../args';
import { EXIT } from '../output';
import { parseItem } from '../parse-items';
import { attemptJson, attemptLine, exitFor } from '../render-attempt';
import type { CommandContext } from '../till';
import { withTill } from '../with-till';

const USAGE = 'till precreate --amount 2.39 [--currency USD] --title TEXT [--detail TEXT] [--item "NAME*QTY@PRICE"]... [--id MERCHANT_TRANS_ID]';
const RESENDS = 3;

function newTransId(terminalId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  return `${terminalId}-${stamp}-${String(randomInt(0, 10_000)).padStart(4, '0')}`;
}

export function run(ctx: CommandContext): Promise<number> {
  const { values } = parse(
    ctx.args,
    {
      amount: { type: 'string' },
      currency: { type: 'string' },
      title: { type: 'string' },
      detail: { type: 'string' },
      item: { type: 'string', multiple: true },
      id: { type: 'string' },
    },
    { min: 0, max: 0, usage: USAGE },
  );
  return withTill(ctx, async (till) => {
    const config = till.config();
    const currency = stringOption(values, 'currency') ?? config['currency.default'];
    const amountMinor = parseAmount(requireOption(values, 'amount', USAGE), currency);
    const items = ((values.item as string[] | undefined) ?? []).map((text, i) => parseItem(text, currency, i));
    const merchantTransId = stringOption(values, 'id') ?? newTransId(config['terminal.id']);
    const { bodyText } = buildPreCreateBody(
      { merchantTransId, amountMinor, currency, title: requireOption(values, 'title', USAGE), detail: stringOption(values, 'detail'), items },
      till.merchantSetup(),
    );
    const client = till.client();
    const attempts: Attempt<PreCreateData>[] = [];
    // An unknown outcome is re-sent with the byte-identical body (NOTES.md §4), a few times.
    for (let i = 0; i <= RESENDS; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** i));
      const attempt = await client.preCreate(bodyText, { merchantTransId, amount: toMoney(amountMinor, currency) });
      attempts.push(attempt);
      ctx.out.say(`${merchantTransId}: ${attemptLine(attempt)}`);
      if (attempt.outcome.kind !== 'U' || attempt.outcome.reason === 'unreachable') break;
    }
    const last = attempts[attempts.length - 1]!;
    const o = last.outcome;
    ctx.out.result({
      ok: o.kind === 'S',
      merchantTransId,
      amount: { currency, value: String(amountMinor) },
      status: o.kind,
      orderQrCode: o.kind === 'S' ? o.data.orderQrCode : null,
      acquirementId: o.kind === 'S' ? (o.data.acquirementId ?? null) : null,
      sandbox: till.sandbox(),
      attempts: attempts.map(attemptJson),
    });
    if (o.kind === 'S') {
      ctx.out.say(`${currency} ${formatMinor(amountMinor, currency)} — scan to pay: ${o.data.orderQrCode}${till.sandbox() ? '  (SANDBOX)' : ''}`);
    } else if (o.kind === 'U') {
      ctx.out.say(`Outcome unknown: run \`till query ${merchantTransId}\` (and \`till cancel ${merchantTransId}\` if unpaid).`);
    }
    return last.outcome.kind === 'U' && last.outcome.reason === 'unreachable' ? EXIT.unknown : exitFor(last);
  });
}
