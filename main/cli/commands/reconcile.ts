import { counted } from '../counted';
import fs from 'node:fs';
import { isDay, localDay } from '../../journal/business-day';
import { dayCsv } from '../../journal/csv';
import { reconcileDay, type DayReport } from '../../journal/reconcile';
import type { TrustInForce } from '../../journal/z-report';
import { TillError } from '../../errors';
import { parse, stringOption } from '../args';
import { EXIT, UsageError } from '../output';
import { money } from '../render-order';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE = 'till reconcile [--date YYYY-MM-DD] [--csv FILE]';

export function dayOption(values: Record<string, unknown>, usage: string): string {
  const day = stringOption(values, 'date') ?? localDay(Date.now());
  if (!isDay(day)) throw new UsageError(`--date must be a date like 2026-11-25\nusage: ${usage}`);
  return day;
}

export function printReport(say: (line: string) => void, report: DayReport): void {
  say(`Business day ${report.day}${report.closed ? ' (closed)' : ''}: ${counted(report.orderCount, 'order')}`);
  for (const c of report.currencies) {
    say(`  ${c.currency}: paid ${c.paid.count} = ${money(c.paid.amountMinor, c.currency)}, refunded ${c.refunded.count} = ${money(c.refunded.amountMinor, c.currency)}, net ${money(c.netMinor, c.currency)}`);
    say(`       cancelled ${c.cancelled.count}, failed ${c.failed.count}, unresolved ${c.unresolved.count} = ${money(c.unresolved.amountMinor, c.currency)}`);
  }
  const trust = (report as { trust?: TrustInForce }).trust;
  if (trust !== undefined) {
    say(`Keys in force: merchant ${trust.merchantKey ?? 'none'}, ${trust.mode === 'sandbox' ? 'sandbox gateway' : 'Alipay'} ${trust.gatewayKey ?? 'none'}; gateway ${trust.gatewayBaseUrl} (${trust.mode})`);
  }
  if (report.exceptions.length > 0) {
    say('Exceptions:');
    for (const e of report.exceptions) say(`  ${e.kind}${e.merchantTransId ? ` ${e.merchantTransId}` : ''}: ${e.message}`);
  }
}

export function run(ctx: CommandContext): Promise<number> {
  const { values } = parse(ctx.args, { date: { type: 'string' }, csv: { type: 'string' } }, { min: 0, max: 0, usage: USAGE });
  const day = dayOption(values, USAGE);
  return withTill(ctx, async (till) => {
    const report = reconcileDay(till.journal, day);
    const csvFile = stringOption(values, 'csv');
    if (csvFile) {
      try {
        fs.writeFileSync(csvFile, dayCsv(till.journal, day));
      } catch (cause) {
        throw new TillError('FILE_UNWRITABLE', `cannot write ${csvFile}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { field: 'csv', cause });
      }
    }
    ctx.out.result({ ok: true, report, csv: csvFile ?? null });
    printReport(ctx.out.say, report);
    if (csvFile) ctx.out.say(`CSV written to ${csvFile}`);
    return EXIT.ok;
  });
}
