import type { TillApi } from '../../../preload/contract';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Failed tries since the connection was last up (0 while it is up). */
  attempt: number;
  /** How many times the connection came up; a change means a new session on the host side. */
  opened: number;
}

/** The till's API plus what the screens need to show about the link itself. */
export interface TillConnection extends TillApi {
  getState(): ConnectionState;
  /** Called on every state change; returns the unsubscribe function. */
  onState(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}
