import { useEffect, useRef, useState } from 'react';

/** While the live stream is down, the figures are still asked for this often. */
const FALLBACK_MS = 30_000;

/**
 * Calls `onChange` whenever the server says the store's figures may have moved
 * (server/web/store-events.ts), and each time the stream (re)opens, since anything may
 * have happened before it did. If the stream cannot be held, a slow poll stands in; the
 * browser's EventSource reconnects by itself. Answers whether the stream is up.
 */
export function useStoreEvents(store: string | null, onChange: () => void, onSignedOut: () => void): boolean {
  const [live, setLive] = useState(false);
  const latest = useRef({ onChange, onSignedOut });
  latest.current = { onChange, onSignedOut };

  useEffect(() => {
    if (store === null) return;
    const source = new EventSource(`/api/stores/${encodeURIComponent(store)}/events`);
    let fallback: ReturnType<typeof setInterval> | undefined;
    const stopFallback = () => {
      clearInterval(fallback);
      fallback = undefined;
    };
    source.addEventListener('hello', () => {
      setLive(true);
      stopFallback();
      // The server tells every change after its hello; what moved before it (since the
      // screen's first load, or while the stream was down) is read now.
      latest.current.onChange();
    });
    source.addEventListener('change', () => latest.current.onChange());
    source.addEventListener('signed-out', () => {
      source.close();
      latest.current.onSignedOut();
    });
    source.onerror = () => {
      setLive(false);
      fallback ??= setInterval(() => latest.current.onChange(), FALLBACK_MS);
    };
    return () => {
      source.close();
      stopFallback();
      setLive(false);
    };
  }, [store]);
  return live;
}
