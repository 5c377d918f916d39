import { statusRequest, type StatusKind } from './escpos/commands';
import { decodeStatus, isStatusByte } from './escpos/status';

/**
 * The printer's real-time status as the till reads it: three DLE EOT queries (1 printer,
 * 2 offline cause, 4 paper roll), each answered with one byte at once, even mid-job
 * (docs/protocol.md §6). The replies become one summary and one device state for the screens.
 */

/** The queries, in the order they are asked: the first one tells whether anyone answers at all. */
export const STATUS_QUERIES: readonly StatusKind[] = [1, 2, 4];

export function statusQuery(n: StatusKind): Uint8Array {
  return statusRequest(n);
}

export { isStatusByte };

export interface PrinterCondition {
  online: boolean;
  coverOpen: boolean;
  /** Printing continues; the roll needs changing soon. */
  paperNearEnd: boolean;
  paperEnd: boolean;
  /** A mechanical error (cutter jam, head overheated): offline until fixed or recovered. */
  error: boolean;
  /** The reply bytes by query, for diagnosis (`till devices list --json`). */
  replies: Partial<Record<StatusKind, number>>;
}

/** Reads the replies that arrived (a query that got none is simply absent). */
export function printerCondition(replies: Partial<Record<StatusKind, number>>): PrinterCondition {
  const printer = replies[1] === undefined ? undefined : decodeStatus(1, replies[1]);
  const cause = replies[2] === undefined ? undefined : decodeStatus(2, replies[2]);
  const paper = replies[4] === undefined ? undefined : decodeStatus(4, replies[4]);
  return {
    online: !(printer?.offline ?? false),
    coverOpen: cause?.coverOpen ?? false,
    paperNearEnd: paper?.paperNearEnd ?? false,
    // Either sensor counts: the roll sensor (n=4) or "stopped by paper end" (n=2).
    paperEnd: Boolean(paper?.paperOut) || Boolean(cause?.paperEndStop),
    error: cause?.error ?? false,
    replies: { ...replies },
  };
}

export type PrinterConditionState = 'ready' | 'offline' | 'cover-open' | 'paper-end' | 'paper-near-end' | 'error';

/**
 * The one word a screen shows, the most urgent first: what the cashier must fix before
 * anything prints (cover, paper, error), then "offline" for any other reason, then the
 * near-end warning, which does not stop printing.
 */
export function conditionState(condition: PrinterCondition): PrinterConditionState {
  if (condition.coverOpen) return 'cover-open';
  if (condition.paperEnd) return 'paper-end';
  if (condition.error) return 'error';
  if (!condition.online) return 'offline';
  if (condition.paperNearEnd) return 'paper-near-end';
  return 'ready';
}

/** Whether a job sent now would print (a near-end roll still prints). */
export function canPrint(condition: PrinterCondition): boolean {
  const state = conditionState(condition);
  return state === 'ready' || state === 'paper-near-end';
}

/** The job error code for a printer that cannot print now. */
export function conditionCode(state: PrinterConditionState): string {
  return {
    ready: 'PRINTER_READY',
    offline: 'PRINTER_OFFLINE',
    'cover-open': 'PRINTER_COVER_OPEN',
    'paper-end': 'PRINTER_PAPER_END',
    'paper-near-end': 'PRINTER_PAPER_NEAR_END',
    error: 'PRINTER_ERROR',
  }[state];
}

export function conditionMessage(state: PrinterConditionState): string {
  return {
    ready: 'ready',
    offline: 'the printer is offline',
    'cover-open': 'the printer cover is open',
    'paper-end': 'the printer is out of paper',
    'paper-near-end': 'the paper roll is nearly used up',
    error: 'the printer reports an error (cutter jam or overheating)',
  }[state];
}
