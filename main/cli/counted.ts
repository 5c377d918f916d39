/** "1 order", "2 orders", "0 changes": counts as people write them, never "1 orders" or "order(s)". */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
