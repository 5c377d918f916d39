/**
 * Where the sandbox keeps its order book (issue 16 §3). The book holds every order,
 * refund and unknown cancel it was ever asked, as a real gateway does, so a late query
 * gets the answer Alipay would give; kept as JSON text by key, it can live in memory (tests,
 * the bench's own sandbox) or in a SQLite file of its own (the till's embedded sandbox and
 * `till sandbox`: main/runtime/sandbox-book-file.ts), where a long day's orders stop
 * growing the process.
 */

export type BookTable = 'orders' | 'refunds' | 'graves' | 'by_acquirement' | 'by_token';

export interface BookStore {
  get(table: BookTable, key: string): string | undefined;
  set(table: BookTable, key: string, value: string): void;
  values(table: BookTable): Iterable<string>;
  count(table: BookTable): number;
  close(): void;
}

export function memoryBookStore(): BookStore {
  const tables = new Map<BookTable, Map<string, string>>();
  const table = (name: BookTable): Map<string, string> => {
    let map = tables.get(name);
    if (!map) tables.set(name, (map = new Map()));
    return map;
  };
  return {
    get: (name, key) => table(name).get(key),
    set: (name, key, value) => void table(name).set(key, value),
    values: (name) => table(name).values(),
    count: (name) => table(name).size,
    close: () => tables.clear(),
  };
}
