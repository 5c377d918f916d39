import { parse } from '../args';
import { UsageError } from '../output';
import { attemptJson, attemptLine, exitFor } from '../render-attempt';
import type { CommandContext } from '../till';
import { withTill } from '../with-till';

const USAGE = 'till cancel MERCHANT_TRANS_ID | till cancel --acquirement-id ID';

export function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(ctx.args, { 'acquirement-id': { type: 'string' } }, { min: 0, max: 1, usage: USAGE });
  const acquirementId = values['acquirement-id'] as string | undefined;
  const merchantTransId = positionals[0];
  if (!acquirementId && !merchantTransId) return Promise.reject(new UsageError(`usage: ${USAGE}`));
  return withTill(ctx, async (till) => {
    const attempt = await till.client().payCancel({ merchantTransId, acquirementId });
    const o = attempt.outcome;
    ctx.out.result({ ok: o.kind === 'S', merchantTransId: merchantTransId ?? null, cancelled: o.kind === 'S', attempt: attemptJson(attempt) });
    ctx.out.say(`${merchantTransId ?? acquirementId}: ${o.kind === 'S' ? 'cancelled' : attemptLine(attempt)}`);
    return exitFor(attempt);
  });
}
