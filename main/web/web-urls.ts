/**
 * The URLs the web host hands out. The token travels in the fragment, which browsers never
 * send to a server nor put in a Referer; the renderer parses exactly these forms
 * (renderer/README.md) and opens the bridge with it. Route first, then a query, like a
 * path: `#token=T` is the till, `#/customer?token=T` the customer display.
 */

export type Screen = 'till' | 'customer' | 'supervisor';

export function screenUrl(origin: string, token: string, screen: Screen = 'till'): string {
  const query = `token=${encodeURIComponent(token)}`;
  return screen === 'till' ? `${origin}/#${query}` : `${origin}/#/${screen}?${query}`;
}
