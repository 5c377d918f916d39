import type { Change, OrderChange, SyncBatch } from '../../server/protocol/sync-protocol';

/** Hand-made wire changes for the store server's tests, as a till would send them. */

export function orderChange(id: number, overrides: Partial<OrderChange> = {}): OrderChange {
  const merchantTransId = overrides.merchantTransId ?? `T0120261204${String(id).padStart(6, '0')}`;
  return {
    id,
    merchantTransId,
    businessDay: '2026-12-04',
    terminalId: 'T01',
    seq: id,
    amountMinor: 239,
    currency: 'USD',
    refundedMinor: 0,
    state: 'PAID',
    title: 'Coffee',
    acquirementId: `ACQ${id}`,
    resultCode: 'SUCCESS',
    resultMessage: null,
    paidAt: '2026-12-04T12:00:05+08:00',
    alarm: null,
    cancelRequested: false,
    bodyText: JSON.stringify({ merchantTransId, order: { orderAmount: { currency: overrides.currency ?? 'USD', value: String(overrides.amountMinor ?? 239) } } }),
    createdAt: 1_780_000_000_000 + id,
    updatedAt: 1_780_000_000_000 + id,
    ...overrides,
  };
}

/** Changes numbered from `from`, each an order (id = seq unless given). */
export function orderChanges(from: number, orders: OrderChange[]): Change[] {
  return orders.map((data, i) => ({ seq: from + i, entity: 'order', data }));
}

export function batch(terminal: string, changes: Change[], backlog = 0): SyncBatch {
  return { terminal, changes, backlog, sentAt: Date.now() };
}

export async function post(url: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
