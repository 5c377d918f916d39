import { useCallback, useEffect, useRef } from 'react';

/**
 * `run` at most once per `ms` however often the returned trigger is called: a burst of
 * events (an order going through its states) costs one re-read, not one per event.
 */
export function useCoalesced(run: () => void, ms: number): () => void {
  const latest = useRef(run);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    latest.current = run;
  });
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, ms);
  }, [ms]);
}
