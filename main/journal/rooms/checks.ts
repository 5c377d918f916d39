import { TillError } from '../../errors';
import { ORDER_STATES, UNRESOLVED_STATES, type Actor } from '../types';

/** What every room of the journal checks its callers for, and small shared helpers. */

export const UNRESOLVED_SQL = `(${UNRESOLVED_STATES.map((s) => `'${s}'`).join(', ')})`;
export const ACTORS: ReadonlySet<string> = new Set<Actor>(['cashier', 'supervisor', 'engine', 'recovery', 'cli']);
const MAX_LIST = 1000;

export function assertActor(actor: string): void {
  if (!ACTORS.has(actor)) throw new TillError('JOURNAL_MISUSE', `unknown actor ${JSON.stringify(actor)}`);
}

export function assertState(state: string): void {
  if (!(ORDER_STATES as readonly string[]).includes(state)) throw new TillError('JOURNAL_MISUSE', `unknown order state ${JSON.stringify(state)}`);
}

export function assertKind(kind: string): void {
  if (typeof kind !== 'string' || kind.length === 0 || kind.length > 64) throw new TillError('JOURNAL_MISUSE', 'an event kind is 1 to 64 characters');
}

/** Compact JSON; undefined fields dropped; null for no detail. */
export function detailText(detail: Record<string, unknown> | undefined): string | null {
  if (detail === undefined) return null;
  const text = JSON.stringify(detail);
  return text === '{}' ? null : text;
}

export function clampLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.min(MAX_LIST, Math.max(1, Math.trunc(limit))) : 50;
}

export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
