import { describeRun, expectJson } from '../../support/cli-runner';
import type { WebTill } from '../../support/web-till';

/**
 * What the journal says, read the way an installer would: `till orders --json` on the same
 * data directory while the web host runs. The screens could lie; the SQLite file is the truth.
 */

export interface JournalOrder {
  merchantTransId: string;
  businessDay: string;
  state: string;
  amount: { currency: string; value: string };
  refunded: { currency: string; value: string };
  title: string;
  qrCode: string | null;
  acquirementId: string | null;
  resultCode: string | null;
  alarm: string | null;
}

/** The journal's orders, newest first. */
export async function ordersOf(w: WebTill): Promise<JournalOrder[]> {
  const run = await w.cli(['--json', 'orders']);
  const doc = expectJson(run, 0);
  if (!Array.isArray(doc.orders)) throw new Error(`no orders list: ${describeRun(run)}`);
  return doc.orders as JournalOrder[];
}

export async function orderOf(w: WebTill, merchantTransId: string): Promise<JournalOrder> {
  const order = (await ordersOf(w)).find((o) => o.merchantTransId === merchantTransId);
  if (!order) throw new Error(`${merchantTransId} is not in the journal`);
  return order;
}
