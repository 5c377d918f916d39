import type { SqliteDatabase, SqliteStatement } from '../../../native/sqlite';
import { packAgainstReference, packText, referenceDictionary, storedLength, type PackedText } from './packed-text';

/**
 * Frozen bodies are packed against an earlier body kept once (packed-text.ts, codec 2):
 * every preCreate body of a till repeats the merchant's setup (seller, store, device,
 * notify URL, …), which then costs a few bytes per order instead of ~200.
 *
 * A body becomes a reference when none of the newest few packs it well (the first order,
 * or the setup changed), at most once per REFERENCE_SPACING orders so that bodies unlike
 * each other cannot each keep a copy. References are never changed or deleted (triggers
 * in migration 0004): a stored body names its reference by id for good.
 */

/** How many of the newest references are tried. */
const CANDIDATES = 4;
/** A reference that saves less than this over DICTIONARY_V1 alone does not fit the body. */
const MIN_GAIN_BYTES = 64;
/** Packed to an eighth or less: the reference fits (a body of the same setup packs to a tenth). */
const CLEAR_FIT_RATIO = 8;
/** Orders between two new references, at least. */
const REFERENCE_SPACING = 100;

interface ReferenceRow {
  id: number;
  orders_before: number;
}

export class ReferenceBodies {
  /** Zlib dictionaries of references read outside any transaction, hence committed: ids never change meaning. */
  private readonly committed = new Map<number, Buffer>();
  private readonly newest: SqliteStatement<[number], ReferenceRow>;
  private readonly selectText: SqliteStatement<[number], { body_text: string }>;
  private readonly insert: SqliteStatement<[string, number, number]>;
  private readonly lastOrderId: SqliteStatement<[], { id: number | null }>;

  constructor(private readonly db: SqliteDatabase) {
    this.newest = db.prepare('SELECT id, orders_before FROM reference_bodies ORDER BY id DESC LIMIT ?');
    this.selectText = db.prepare('SELECT body_text FROM reference_bodies WHERE id = ?');
    this.insert = db.prepare('INSERT INTO reference_bodies (body_text, orders_before, created_at) VALUES (?, ?, ?)');
    this.lastOrderId = db.prepare('SELECT max(id) AS id FROM orders');
  }

  /**
   * The stored form of a frozen body. May add a reference, so it runs inside the
   * transaction that writes the order: both land or neither does.
   */
  pack(bodyText: string, at: number): PackedText {
    const bytes = Buffer.byteLength(bodyText, 'utf8');
    let best: PackedText = bodyText;
    let plain: PackedText | undefined;
    const candidates = this.newest.all(CANDIDATES);
    for (const reference of candidates) {
      best = packAgainstReference(bodyText, reference.id, this.dictionary(reference.id), storedLength(best)) ?? best;
      // Clearly a fit: deflating against DICTIONARY_V1 alone is not worth its time.
      if (storedLength(best) * CLEAR_FIT_RATIO <= bytes) return best;
      plain ??= packText(bodyText);
      if (typeof plain === 'string') return plain;
      if (storedLength(best) + MIN_GAIN_BYTES <= plain.length) return best;
    }
    plain ??= packText(bodyText);
    if (typeof plain === 'string') return plain;
    if (storedLength(plain) < storedLength(best)) best = plain;
    const lastOrder = this.lastOrderId.get()?.id ?? 0;
    const latest = candidates[0];
    if (latest !== undefined && lastOrder - latest.orders_before < REFERENCE_SPACING) return best;
    const id = Number(this.insert.run(bodyText, lastOrder, at).lastInsertRowid);
    return packAgainstReference(bodyText, id, referenceDictionary(bodyText), storedLength(best)) ?? best;
  }

  /** The zlib dictionary of reference `id`; throws for an id the file does not hold. */
  dictionary(id: number): Buffer {
    const cached = this.committed.get(id);
    if (cached !== undefined) return cached;
    const row = this.selectText.get(id);
    if (row === undefined) throw new Error(`reference body ${id} is missing from the journal`);
    const dictionary = referenceDictionary(row.body_text);
    // Inside a transaction the row may yet be rolled back and its id handed out again.
    if (!this.db.inTransaction) this.committed.set(id, dictionary);
    return dictionary;
  }
}
