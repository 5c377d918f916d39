import { useCallback, useEffect, useState } from 'react';
import { ROUTER_ERROR_CODES, type TillErrorView } from '../../../preload/contract';
import { useTill, type Call } from '../app/till-context';

/** A call that sends the screen back to the PIN pad when the supervisor session has ended. */
export function useSupervisorCall(): Call {
  const { call, refreshStatus } = useTill();
  return useCallback<Call>(
    async (channel, request) => {
      const result = await call(channel, request);
      if (!result.ok && result.error.code === ROUTER_ERROR_CODES.supervisorRequired) void refreshStatus();
      return result;
    },
    [call, refreshStatus],
  );
}

export interface Loaded<T> {
  data: T | null;
  error: TillErrorView | null;
  loading: boolean;
  reload(): void;
}

/** Reads something when the tab opens (and on reload); the newest answer wins. */
export function useLoad<T>(load: () => Promise<{ ok: true; value: T } | { ok: false; error: TillErrorView }>): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<TillErrorView | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let stale = false;
    setLoading(true);
    void load().then((result) => {
      if (stale) return;
      setLoading(false);
      if (result.ok) {
        setData(result.value);
        setError(null);
      } else {
        setError(result.error);
      }
    });
    return () => {
      stale = true;
    };
  }, [load, round]);
  return { data, error, loading, reload: useCallback(() => setRound((r) => r + 1), []) };
}
