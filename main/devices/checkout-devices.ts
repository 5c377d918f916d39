import type { CheckoutEngine } from '../checkout/engine';
import { TillError } from '../errors';
import type { OrderRecord } from '../journal/types';
import type { DeviceConfig } from './device-config';
import type { DeviceManager, JobTicket } from './device-manager';
import { displayFrame, displayMessages, type DisplayLines, type DisplayProtocol } from './display';
import { align, bold, concat, init, textSize } from './escpos/commands';
import { formatDateTime, receiptJob, scanToPaySlip, testSlip } from './escpos/receipt';
import { encodeLine } from './escpos/text';
import { getProfile } from './profiles';

/**
 * What the printer and the customer display do as an order moves (issue 4, item 3): the
 * scan-to-pay slip and the amount once the QR is verified, the receipt and a thank-you
 * once paid, a short word when cancelled or failed. It listens to the engine and hands
 * jobs to the device manager's queues: nothing here throws into the engine or makes it
 * wait, and a device problem becomes a device event, never a stalled payment.
 */

type Phase = 'scan' | 'paid' | 'cancelled' | 'failed';

function phaseOf(order: OrderRecord): Phase | undefined {
  switch (order.state) {
    case 'AWAITING_PAYMENT':
      return order.qrCode ? 'scan' : undefined;
    case 'PAID':
      return 'paid';
    case 'CANCELLED':
      return 'cancelled';
    case 'FAILED':
      return 'failed';
    default:
      return undefined;
  }
}

/** How many order transitions are remembered to drop repeated events (a busy day's worth). */
const REMEMBERED = 2_000;

export interface CheckoutDevicesOptions {
  manager: DeviceManager;
  storeName: () => string;
  sandbox: () => boolean;
  now?: () => Date;
}

export class CheckoutDevices {
  private readonly manager: DeviceManager;
  private readonly now: () => Date;
  /** `${orderId}:${phase}` already handled: the engine re-emits an order for other reasons. */
  private readonly handled = new Set<string>();

  constructor(private readonly options: CheckoutDevicesOptions) {
    this.manager = options.manager;
    this.now = options.now ?? (() => new Date());
  }

  /** Listens to the engine's order events; returns the function that stops listening. */
  attach(engine: Pick<CheckoutEngine, 'on' | 'off'>): () => void {
    const listener = (order: OrderRecord) => this.onOrder(order);
    engine.on('order', listener);
    return () => engine.off('order', listener);
  }

  /** Called from inside the engine's emit: queues at most one slip per transition, never throws. */
  onOrder(order: OrderRecord): void {
    try {
      const phase = phaseOf(order);
      if (!phase) return;
      const key = `${order.id}:${phase}`;
      if (this.handled.has(key)) return;
      this.handled.add(key);
      if (this.handled.size > REMEMBERED) this.handled.delete(this.handled.values().next().value!);
      switch (phase) {
        case 'scan':
          this.printScanToPay(order, false);
          this.show(displayMessages.scanToPay(order.amountMinor, order.currency), order);
          break;
        case 'paid':
          this.printReceipt(order, false);
          this.show(displayMessages.paid(order.amountMinor, order.currency), order);
          break;
        case 'cancelled':
          this.show(displayMessages.cancelled(order.amountMinor, order.currency), order);
          break;
        case 'failed':
          this.show(displayMessages.failed(order.amountMinor, order.currency), order);
          break;
      }
    } catch {
      // A configuration read failing (database busy) must not reach the engine; the
      // manager reports device trouble through its own events.
    }
  }

  /**
   * The cashier asked for a slip again: the receipt of a paid or refunded order, or the
   * scan-to-pay slip of one still awaiting payment. Marked REPRINT. Throws when there is
   * nothing to print or no printer; the ticket tells whether it printed.
   */
  reprint(order: OrderRecord): JobTicket {
    if (!this.manager.deviceFor('printer')) {
      throw new TillError('NO_PRINTER', 'no printer is configured or enabled (till devices add NAME --role printer --path PORT)', { field: 'printer' });
    }
    if (order.state === 'PAID' || order.state === 'REFUNDED') return this.printReceipt(order, true)!;
    if (order.state === 'AWAITING_PAYMENT' && order.qrCode) {
      if (order.payDeadline !== null && order.payDeadline <= this.now().getTime()) {
        throw new TillError('QR_EXPIRED', `the payment window of order ${order.merchantTransId} is over; its QR can no longer be paid`, { field: 'order' });
      }
      return this.printScanToPay(order, true)!;
    }
    throw new TillError(
      'NOTHING_TO_REPRINT',
      `order ${order.merchantTransId} is ${order.state}: only a paid or refunded order's receipt, or the QR slip of an order awaiting payment, can be reprinted`,
      { field: 'order' },
    );
  }

  /** `till devices test`: a test slip with a QR on a printer, a test line on a display. */
  test(device: DeviceConfig): JobTicket {
    const at = this.now();
    if (device.role === 'printer') {
      return this.manager.submit(device.name, { kind: 'test', label: 'test slip', bytes: () => testSlip(getProfile(device.profile), at) });
    }
    return this.manager.submit(device.name, {
      kind: 'test',
      label: 'test line',
      bytes: () => displayFrame(device.profile as DisplayProtocol, 'Till display test', formatDateTime(at)),
    });
  }

  private printScanToPay(order: OrderRecord, reprint: boolean): JobTicket | undefined {
    const printer = this.manager.deviceFor('printer');
    if (!printer || !order.qrCode) return undefined;
    const data = {
      storeName: this.options.storeName(),
      merchantTransId: order.merchantTransId,
      amountMinor: order.amountMinor,
      currency: order.currency,
      qrUrl: order.qrCode,
      at: this.now(),
      sandbox: this.options.sandbox(),
    };
    return this.manager.submit(printer.name, {
      kind: reprint ? 'reprint' : 'scan-to-pay',
      label: `${reprint ? 'reprint of the ' : ''}scan-to-pay slip of ${order.merchantTransId}`,
      orderId: order.id,
      bytes: () => {
        const profile = getProfile(printer.profile);
        const slip = scanToPaySlip(data, profile);
        return reprint ? concat([reprintBanner(profile), slip]) : slip;
      },
    });
  }

  private printReceipt(order: OrderRecord, reprint: boolean): JobTicket | undefined {
    const printer = this.manager.deviceFor('printer');
    if (!printer) return undefined;
    const paidAt = order.paidAt === null ? undefined : new Date(order.paidAt);
    const data = {
      storeName: this.options.storeName(),
      at: paidAt && !Number.isNaN(paidAt.getTime()) ? paidAt : this.now(),
      merchantTransId: order.merchantTransId,
      amountMinor: order.amountMinor,
      currency: order.currency,
      items: order.items,
      state: order.state === 'REFUNDED' ? ('REFUNDED' as const) : ('PAID' as const),
      acquirementId: order.acquirementId,
      refundedMinor: order.refundedMinor,
      sandbox: this.options.sandbox(),
      reprint,
    };
    return this.manager.submit(printer.name, {
      kind: reprint ? 'reprint' : 'receipt',
      label: `${reprint ? 'reprint of the ' : ''}receipt of ${order.merchantTransId}`,
      orderId: order.id,
      bytes: () => receiptJob(data, getProfile(printer.profile)),
    });
  }

  private show(lines: DisplayLines, order: OrderRecord): JobTicket | undefined {
    const display = this.manager.deviceFor('display');
    if (!display) return undefined;
    return this.manager.submit(display.name, {
      kind: 'display',
      label: `${lines.upper.trim()} (${order.merchantTransId})`,
      orderId: order.id,
      bytes: () => displayFrame(display.profile as DisplayProtocol, lines.upper, lines.lower),
    });
  }
}

/** "REPRINT" above a scan-to-pay slip (the slip itself starts with ESC @, which resets the modes set here). */
function reprintBanner(profile: ReturnType<typeof getProfile>): Uint8Array {
  return concat([init(), align('center'), bold(true), textSize(1, 2), encodeLine('REPRINT', profile), textSize(1, 1), bold(false), align('left')]);
}
