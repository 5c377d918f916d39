import type { Result, TillEvent } from '../../preload/contract';

/**
 * What a host (Electron or web) needs of the router. A host opens one connection per
 * screen (an Electron webContents, a WebSocket); a supervisor session belongs to that
 * connection only and ends with it.
 */

export interface ConnectionInfo {
  host: 'electron' | 'web' | 'test';
  /** For logs and alarms: 'webContents#3', 'ws 127.0.0.1:51234', … */
  label: string;
}

export interface RouterConnection {
  readonly info: ConnectionInfo;
  /**
   * Validates the channel name and payload, checks the session, runs the call. Never
   * rejects: every failure is a `{ ok: false, error }` with a code and a message.
   */
  invoke(channel: unknown, request: unknown): Promise<Result<unknown>>;
  /** Engine, device and settings events for this screen; returns the unsubscribe function. */
  subscribe(listener: (event: TillEvent) => void): () => void;
  /** Ends the session and the subscriptions of this connection. */
  close(): void;
}

export interface Router {
  connect(info: ConnectionInfo): RouterConnection;
  /** Something the status shows changed outside a call (an update now waiting): every screen asks again. */
  statusChanged(): void;
  /** Closes every connection (the till itself is closed by its owner). */
  close(): void;
}
