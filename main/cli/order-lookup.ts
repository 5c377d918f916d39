import { TillError } from '../errors';
import type { Journal } from '../journal/journal';
import type { OrderRecord } from '../journal/types';

/**
 * Finds an order the way a person names it: the whole merchantTransId, or its last digits
 * as printed on the receipt. Several matches are an error listing them, never a guess.
 */
export function findOrder(journal: Journal, id: string): OrderRecord {
  const exact = journal.getByTransId(id);
  if (exact) return exact;
  if (/^[A-Za-z0-9]{1,64}$/.test(id)) {
    const matches = journal.findByTail(id, 6);
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new TillError('ORDER_AMBIGUOUS', `${id} matches several orders: ${matches.map((o) => o.merchantTransId).join(', ')}; give more digits`, { field: 'ID' });
    }
  }
  throw new TillError('ORDER_NOT_FOUND', `no order ${id} in this till's journal`, { field: 'ID' });
}
