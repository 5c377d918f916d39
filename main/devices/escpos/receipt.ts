import { TillError } from '../../errors';
import type { PrinterProfile } from '../profiles';
import { align, bold, concat, cutFull, feedAndPartialCut, feedLines, init, textSize } from './commands';
import { assertDisplayableAmount, formatAmount } from './money';
import { qrJob, type QrJobOptions } from './qr-job';
import { columnsFor, encodeLine, textSetup, twoColumns } from './text';

/**
 * The three slips the till prints: "scan to pay" (before payment), the receipt (after)
 * and the test slip. Each is a whole job: ESC @ first, so nothing left over from an
 * earlier job (a half-sent raster, double size, Kanji mode) changes how it prints.
 */

export const SANDBOX_BANNER = 'SANDBOX — NOT A REAL PAYMENT';
export const TEST_SLIP_URL = 'https://example.com/till-test';

type Part = Uint8Array;

function start(profile: PrinterProfile): Part[] {
  return [init(), textSetup(profile)];
}

/** Lines fed before a full cut so the last printed line clears the cutter (typical head-to-cutter distance). */
const LINES_TO_CUTTER = 5;

function end(profile: PrinterProfile): Part {
  // GS V 66 feeds the last line past the cutter before cutting (GS V 0 would cut through it).
  if (profile.supports('paperPartCut')) return concat([feedLines(1), feedAndPartialCut(3)]);
  if (profile.supports('paperFullCut')) return concat([feedLines(LINES_TO_CUTTER), cutFull()]);
  // No cutter: feed the slip clear of the tear bar.
  return feedLines(LINES_TO_CUTTER);
}

function lines(texts: readonly string[], profile: PrinterProfile, columns?: number): Part {
  return concat(texts.map((text) => encodeLine(text, profile, columns === undefined ? {} : { columns })));
}

/** Centred, bold, optionally double height: titles and banners. */
function emphasised(text: string, profile: PrinterProfile, options: { tall?: boolean; wide?: boolean } = {}): Part {
  const wide = options.wide === true;
  const columns = wide ? Math.floor(columnsFor(profile) / 2) : undefined;
  return concat([
    align('center'), bold(true), textSize(wide ? 2 : 1, options.tall || wide ? 2 : 1),
    lines([text], profile, columns),
    textSize(1, 1), bold(false), align('left'),
  ]);
}

function rule(profile: PrinterProfile): Part {
  return lines(['-'.repeat(columnsFor(profile))], profile);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** The till's local time (receipts are read in the shop), "2026-11-25 17:20:01". */
export function formatDateTime(at: Date): string {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TillError('FIELD_INVALID', 'at must be a valid date', { field: 'at' });
  return `${at.getFullYear()}-${pad2(at.getMonth() + 1)}-${pad2(at.getDate())} ${pad2(at.getHours())}:${pad2(at.getMinutes())}:${pad2(at.getSeconds())}`;
}

function labelled(label: string, value: string, profile: PrinterProfile): Part {
  return lines(twoColumns(label, value, profile), profile);
}

export interface ScanToPayData {
  storeName: string;
  merchantTransId: string;
  amountMinor: number;
  currency: string;
  qrUrl: string;
  at: Date;
  sandbox?: boolean;
}

/** Printed before payment: the customer scans the QR on it. */
export function scanToPaySlip(data: ScanToPayData, profile: PrinterProfile, options: QrJobOptions = {}): Uint8Array {
  const amount = formatAmount(data.amountMinor, data.currency, { field: 'amountMinor' });
  const when = formatDateTime(data.at);
  const parts = start(profile);
  if (data.sandbox) parts.push(emphasised(SANDBOX_BANNER, profile));
  parts.push(
    emphasised(data.storeName, profile, { tall: true }),
    emphasised(amount, profile, { wide: true }),
    align('center'), lines(['Scan with Alipay to pay'], profile),
    qrJob(data.qrUrl, profile, options),
    lines([data.merchantTransId, when], profile), align('left'),
  );
  if (data.sandbox) parts.push(emphasised(SANDBOX_BANNER, profile));
  parts.push(end(profile));
  return concat(parts);
}

export interface ReceiptItem {
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

export type ReceiptState = 'PAID' | 'REFUNDED' | 'CANCELLED' | 'FAILED';

export interface ReceiptData {
  storeName: string;
  at: Date;
  merchantTransId: string;
  amountMinor: number;
  currency: string;
  items?: ReceiptItem[];
  state: ReceiptState;
  acquirementId?: string | null;
  refundedMinor?: number;
  sandbox?: boolean;
  reprint?: boolean;
}

// CANCELLED and FAILED say "NOT PAID" in so many words: the slip may be read as proof.
const RESULT: Record<ReceiptState, string> = {
  PAID: 'PAID',
  REFUNDED: 'REFUNDED',
  CANCELLED: 'CANCELLED - NOT PAID',
  FAILED: 'PAYMENT FAILED - NOT PAID',
};

function itemLines(items: readonly ReceiptItem[], currency: string, profile: PrinterProfile): Part[] {
  return items.map((item, index) => {
    const field = `items[${index}]`;
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) {
      throw new TillError('FIELD_INVALID', `${field}.quantity must be a whole number above zero`, { field: `${field}.quantity` });
    }
    assertDisplayableAmount(item.unitPriceMinor, `${field}.unitPriceMinor`);
    const total = item.quantity * item.unitPriceMinor;
    assertDisplayableAmount(total, `${field} total`);
    const unit = formatAmount(item.unitPriceMinor, currency).slice(currency.length + 1);
    const sum = formatAmount(total, currency).slice(currency.length + 1);
    return concat([lines([item.name], profile), labelled(`  ${item.quantity} x ${unit}`, sum, profile)]);
  });
}

/** Printed once the order has an outcome (and again, marked REPRINT, when the cashier asks). */
export function receiptJob(data: ReceiptData, profile: PrinterProfile): Uint8Array {
  if (!Object.hasOwn(RESULT, data.state)) {
    throw new TillError('FIELD_INVALID', `state must be PAID, REFUNDED, CANCELLED or FAILED, got ${JSON.stringify(String(data.state))}`, { field: 'state' });
  }
  const total = formatAmount(data.amountMinor, data.currency, { field: 'amountMinor' });
  const when = formatDateTime(data.at);
  const parts = start(profile);
  if (data.sandbox) parts.push(emphasised(SANDBOX_BANNER, profile));
  if (data.reprint) parts.push(emphasised('REPRINT', profile, { tall: true }));
  parts.push(
    emphasised(data.storeName, profile, { tall: true }),
    align('center'), lines([when], profile), align('left'),
    labelled('Order', data.merchantTransId, profile),
    rule(profile),
  );
  if (data.items && data.items.length > 0) parts.push(...itemLines(data.items, data.currency, profile), rule(profile));
  parts.push(bold(true), textSize(1, 2), labelled('TOTAL', total, profile), textSize(1, 1), bold(false));
  if (data.state === 'REFUNDED' && data.refundedMinor !== undefined) {
    parts.push(labelled('Refunded', formatAmount(data.refundedMinor, data.currency, { field: 'refundedMinor' }), profile));
  }
  parts.push(feedLines(1), emphasised(RESULT[data.state], profile, { tall: true }));
  const paid = data.state === 'PAID' || data.state === 'REFUNDED';
  if (paid && data.acquirementId) parts.push(labelled('Alipay', data.acquirementId, profile));
  if (data.sandbox) parts.push(emphasised(SANDBOX_BANNER, profile));
  parts.push(end(profile));
  return concat(parts);
}

// A line that exercises the profile's character set: what prints shows the code page works.
function sampleLine(profile: PrinterProfile): string {
  if (profile.cjk === 'gb18030') return '中文 打印 测试 ¥12.30';
  if (profile.cjk === 'big5') return '中文 列印 測試 12.30';
  return 'Latin: àéîõü ÀÉÑ ç ß £ €';
}

/** `till devices test`: proves text, the code page and the QR path of the profile. */
export function testSlip(profile: PrinterProfile, at: Date): Uint8Array {
  const parts = start(profile);
  parts.push(
    emphasised('TEST PRINT', profile, { tall: true }),
    lines([profile.name, `Profile: ${profile.id}`, `Paper: ${profile.dotsPerLine} dots, ${columnsFor(profile)} columns`], profile),
    lines([profile.cjk ? `Kanji mode: ${profile.cjk.toUpperCase()}` : `Code table: ESC t ${profile.codeTable}`, sampleLine(profile)], profile),
    lines([`QR: ${profile.supports('qrCode') ? 'native (GS ( k)' : 'raster (GS v 0)'}`, TEST_SLIP_URL], profile),
    align('center'), qrJob(TEST_SLIP_URL, profile),
    lines([formatDateTime(at)], profile), align('left'),
    end(profile),
  );
  return concat(parts);
}
