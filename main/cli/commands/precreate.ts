import { parseAmount } from '../../alipay/currency';
import type { CheckoutEngine } from '../../checkout/engine';
import { isUnresolved, type OrderRecord } from '../../journal/types';
import type { Till } from '../../runtime/open-till';
import { parse, requireOption, stringOption } from '../args';
import { EXIT } from '../output';
import { parseItem } from '../parse-items';
import { journaledAttemptJson, money } from '../render-order';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE =
  'till precreate --amount 2.39 [--currency USD] --title TEXT [--detail TEXT] [--item "NAME*QTY@PRICE"]... [--cart-id ID] [--no-wait]';

/** Until the QR is there, the order failed, or the gateway is found offline. */
function qrOrSettled(order: OrderRecord): boolean {
  return order.qrCode !== null || !isUnresolved(order.state);
}

/**
 * A CLI wait also re-reads the journal every second: another process (the kiosk, `till
 * cancel`, `till resolve`) may settle the order, and this process's engine would never say so.
 */
const REREAD_MS = 1000;

/**
 * Ctrl-C cancels the order from the moment its QR can be seen: installed before the QR line
 * is printed, so a cashier (or a test) that reacts to that line at once finds it in place.
 * A second Ctrl-C stops waiting for the cancel's answer (the signal aborts the wait): the
 * order stays journaled as cancelling, and `till resolve` finishes it.
 */
function cancelOnCtrlC(ctx: CommandContext, engine: CheckoutEngine, orderId: number): { stop(): void; signal: AbortSignal; cancelling(): boolean } {
  let presses = 0;
  const abort = new AbortController();
  const onInterrupt = () => {
    presses += 1;
    if (presses === 1) {
      ctx.out.say('\nCancelling… (Ctrl-C again to stop waiting)');
      engine.cancel(orderId, 'cli');
    } else if (presses === 2) abort.abort();
  };
  process.on('SIGINT', onInterrupt);
  return { stop: () => process.off('SIGINT', onInterrupt), signal: abort.signal, cancelling: () => presses > 0 };
}

/** On a pipe or in a log, the countdown is a line this often instead of a redraw every second. */
const PIPE_PROGRESS_MS = 5_000;

/** A countdown a cashier can read; on a pipe, a line every few seconds instead of redraws. */
async function awaitPayment(ctx: CommandContext, engine: CheckoutEngine, order: OrderRecord, interrupt: { signal: AbortSignal; cancelling(): boolean }): Promise<OrderRecord> {
  const tty = process.stdout.isTTY === true && !ctx.out.json;
  const left = () => {
    const s = Math.max(0, Math.round(((order.payDeadline ?? Date.now()) - Date.now()) / 1000));
    return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  };
  const ticker = ctx.out.json
    ? undefined
    : tty
      ? setInterval(() => process.stdout.write(`\rWaiting for the customer to pay… ${left()} left (Ctrl-C cancels) `), 1000)
      : setInterval(() => interrupt.cancelling() || ctx.out.say(`Waiting for the customer to pay… ${left()} left`), PIPE_PROGRESS_MS);
  try {
    const windowMs = engine.settings.paymentWindowMs;
    return await engine.watchOrder(order.id, { done: (o) => !isUnresolved(o.state), timeoutMs: windowMs + 5 * 60_000, rejectOnTimeout: true, rereadMs: REREAD_MS, signal: interrupt.signal });
  } finally {
    clearInterval(ticker);
    if (tty) process.stdout.write('\n');
  }
}

function exitFor(order: OrderRecord): number {
  switch (order.state) {
    case 'PAID':
      return EXIT.ok;
    case 'FAILED':
      return EXIT.declined;
    case 'CANCELLED':
      return EXIT.notPaid;
    default:
      return order.qrCode ? EXIT.ok : EXIT.unknown;
  }
}

function report(ctx: CommandContext, till: Till, order: OrderRecord): void {
  const status = order.state === 'FAILED' ? 'F' : order.qrCode ? 'S' : isUnresolved(order.state) ? 'U' : 'F';
  ctx.out.result({
    ok: status === 'S' && order.state !== 'CANCELLED',
    merchantTransId: order.merchantTransId,
    amount: { currency: order.currency, value: String(order.amountMinor) },
    status,
    state: order.state,
    orderQrCode: order.qrCode,
    acquirementId: order.acquirementId,
    sandbox: till.sandbox(),
    attempts: till.journal.attempts(order.id).map(journaledAttemptJson),
  });
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
      'cart-id': { type: 'string' },
      'no-wait': { type: 'boolean' },
    },
    { min: 0, max: 0, usage: USAGE },
  );
  return withTill(ctx, async (till) => {
    const config = till.config();
    const currency = stringOption(values, 'currency') ?? config['currency.default'];
    const amountMinor = parseAmount(requireOption(values, 'amount', USAGE), currency);
    const title = requireOption(values, 'title', USAGE);
    const items = ((values.item as string[] | undefined) ?? []).map((text, i) => parseItem(text, currency, i));
    const engine = till.engine();
    engine.start();
    const created = await engine.create(
      { amountMinor, currency, title, detail: stringOption(values, 'detail'), items, cartId: stringOption(values, 'cart-id') },
      'cli',
    );
    ctx.out.say(`${created.merchantTransId}: journaled, sending ${money(amountMinor, currency)}…`);
    const first = await engine.watchOrder(created.id, { done: qrOrSettled, timeoutMs: config['gateway.timeoutMs'] * 4, endWhenOffline: true, rereadMs: REREAD_MS });

    if (!first.qrCode) {
      if (first.state === 'FAILED') ctx.out.say(`${first.merchantTransId}: declined — ${first.resultMessage ?? first.resultCode}`);
      else if (engine.connectivity().state === 'offline') {
        ctx.out.say(`${first.merchantTransId}: the gateway cannot be reached; the order is journaled and will be resolved (\`till resolve\`). Nothing was charged.`);
      } else {
        // It answered, but nothing verifiable yet: the outcome is unknown, not "not charged".
        ctx.out.say(`${first.merchantTransId}: no verified answer from the gateway yet; the order is journaled and will be resolved (\`till resolve\`).`);
      }
      report(ctx, till, first);
      return exitFor(first);
    }
    const qrLine = `${money(amountMinor, currency)} — scan to pay: ${first.qrCode}${till.sandbox() ? '  (SANDBOX)' : ''}`;
    if (values['no-wait'] === true) {
      ctx.out.say(qrLine);
      report(ctx, till, first);
      return EXIT.ok;
    }
    const interrupt = cancelOnCtrlC(ctx, engine, first.id);
    let final: OrderRecord;
    try {
      ctx.out.say(qrLine);
      final = await awaitPayment(ctx, engine, first, interrupt);
    } finally {
      interrupt.stop();
    }
    if (interrupt.signal.aborted && isUnresolved(final.state)) {
      ctx.out.say(`${final.merchantTransId}: ${final.state}, stopped waiting. The order is journaled; \`till resolve\` finishes it.`);
      report(ctx, till, final);
      // The cancel still out may hang for the gateway's whole timeout: exit now, its outcome unknown.
      till.abandonInFlight();
      return EXIT.unknown;
    }
    ctx.out.say(
      final.state === 'PAID'
        ? `${final.merchantTransId}: PAID${final.alarm ? ` (${final.alarm}: a supervisor must decide)` : ''}`
        : `${final.merchantTransId}: ${final.state}${final.state === 'CANCELLED' ? ' — not paid, the QR is void' : ''}`,
    );
    report(ctx, till, final);
    return exitFor(final);
  });
}
