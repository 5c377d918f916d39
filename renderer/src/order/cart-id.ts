/** A fresh id for a cart: 128 random bits (getRandomValues works outside secure contexts too). */
export function newCartId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `cart-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
