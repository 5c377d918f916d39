import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Channel, ReplyOf, RequestOf, Result, TillErrorView, TillEvent, TillStatusView } from '../../../preload/contract';
import type { ConnectionState, TillConnection } from '../api/connection';
import { clockOffset } from '../order/countdown';
import { useCoalesced } from './use-coalesced';

export type Call = <C extends Channel>(channel: C, request: RequestOf<C>) => Promise<Result<ReplyOf<C>>>;

interface TillContextValue {
  connection: TillConnection;
  link: ConnectionState;
  call: Call;
  status: TillStatusView | null;
  statusError: TillErrorView | null;
  /** main process clock − this screen's clock, in ms. */
  offsetMs: number;
  refreshStatus(): Promise<void>;
}

const TillContext = createContext<TillContextValue | null>(null);

/** Events that change what till.status says. */
const STATUS_EVENTS: ReadonlySet<TillEvent['type']> = new Set(['status', 'devices', 'alarm']);
/**
 * Events that may change its counts (unresolved orders): the engine announces connectivity
 * only when it flips, so the banner's count is read again after order activity.
 */
const COUNT_EVENTS: ReadonlySet<TillEvent['type']> = new Set(['order', 'refund']);
const COUNT_REFRESH_MS = 300;
/** till.status is also read now and then, so `now` and the counts never drift far. */
const STATUS_REFRESH_MS = 30_000;

export function TillProvider({ connection, children }: { connection: TillConnection; children: ReactNode }) {
  // An external store: the socket may open before React has subscribed to it.
  const link = useSyncExternalStore<ConnectionState>(connection.onState, connection.getState);
  const [status, setStatus] = useState<TillStatusView | null>(null);
  const [statusError, setStatusError] = useState<TillErrorView | null>(null);
  const [offsetMs, setOffsetMs] = useState(0);

  const call = useCallback<Call>((channel, request) => connection.invoke(channel, request), [connection]);

  const refreshStatus = useCallback(async () => {
    const sentAt = Date.now();
    const result = await connection.invoke('till.status', {});
    if (result.ok) {
      setStatus(result.value);
      setStatusError(null);
      setOffsetMs(clockOffset(result.value.now, sentAt, Date.now()));
    } else {
      setStatusError(result.error);
    }
  }, [connection]);

  // A new connection is a new session on the host (a supervisor login does not survive it).
  useEffect(() => {
    if (link.status === 'open') void refreshStatus();
  }, [link.status, link.opened, refreshStatus]);

  useEffect(() => {
    const timer = setInterval(() => void refreshStatus(), STATUS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refreshStatus]);

  const refreshCounts = useCoalesced(() => void refreshStatus(), COUNT_REFRESH_MS);
  useEffect(
    () =>
      connection.subscribe((event) => {
        if (event.type === 'connectivity') {
          setStatus((s) => (s === null ? s : { ...s, connectivity: event.connectivity }));
        } else if (STATUS_EVENTS.has(event.type)) {
          void refreshStatus();
        } else if (COUNT_EVENTS.has(event.type)) {
          refreshCounts();
        }
      }),
    [connection, refreshStatus, refreshCounts],
  );

  const value = useMemo(
    () => ({ connection, link, call, status, statusError, offsetMs, refreshStatus }),
    [connection, link, call, status, statusError, offsetMs, refreshStatus],
  );
  return <TillContext.Provider value={value}>{children}</TillContext.Provider>;
}

export function useTill(): TillContextValue {
  const value = useContext(TillContext);
  if (value === null) throw new Error('useTill outside TillProvider');
  return value;
}

/** Runs `handler` for every till event while the component is mounted. */
export function useTillEvents(handler: (event: TillEvent) => void): void {
  const { connection } = useTill();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => connection.subscribe((event) => latest.current(event)), [connection]);
}
