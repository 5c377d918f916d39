import { IPC_EVENT, IPC_INVOKE, ROUTER_ERROR_CODES, type Result, type TillEvent } from '../../preload/contract';
import type { Router, RouterConnection } from '../ipc/router-types';
import { isTrustedSender, type InvokeEventLike } from './sender-check';

/**
 * `ipcMain` → router. Each window has its own router connection (so a supervisor session
 * belongs to one window and ends with it); its events go back to that window only. A new
 * document in the window (a reload, a crashed page reloaded) gets a new connection, as a
 * new WebSocket does in the web host: a reload ends the supervisor session.
 */

/** Raised by the host, not the router: the caller is not one of our pages. */
export const FORBIDDEN_SENDER = 'FORBIDDEN_SENDER';

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface BridgedWebContents {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
  /** A document committed in the main frame (not a same-document hash change). */
  on(event: 'did-navigate', listener: () => void): unknown;
}

export interface IpcBridge {
  /** Opens the router connection of a window's webContents; closed when it is destroyed. */
  attach(contents: BridgedWebContents): void;
  /** Removes the handler and closes every connection. */
  close(): void;
}

const forbidden: Result<never> = {
  ok: false,
  error: { code: FORBIDDEN_SENDER, message: 'This page may not call the till.' },
};

const internal: Result<never> = {
  ok: false,
  error: { code: ROUTER_ERROR_CODES.internal, message: 'The till could not answer this call.' },
};

export function createIpcBridge(options: { ipcMain: IpcMainLike; router: Router }): IpcBridge {
  const { ipcMain, router } = options;
  const connections = new Map<number, { connection: RouterConnection; unsubscribe: () => void }>();

  const isOurs = (id: number): boolean => connections.has(id);

  ipcMain.handle(IPC_INVOKE, async (event, channel, request) => {
    const entry = connections.get(event.sender.id);
    if (entry === undefined || !isTrustedSender(event, isOurs)) return forbidden;
    try {
      return await entry.connection.invoke(channel, request);
    } catch {
      // The router never rejects; should it, the page still gets data, not a remote stack.
      return internal;
    }
  });

  function detach(id: number): void {
    const entry = connections.get(id);
    if (entry === undefined) return;
    connections.delete(id);
    entry.unsubscribe();
    entry.connection.close();
  }

  function connect(contents: BridgedWebContents): void {
    const connection = router.connect({ host: 'electron', label: `webContents#${contents.id}` });
    const unsubscribe = connection.subscribe((event: TillEvent) => {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT, event);
    });
    connections.set(contents.id, { connection, unsubscribe });
  }

  return {
    attach(contents) {
      if (connections.has(contents.id)) return;
      connect(contents);
      contents.once('destroyed', () => detach(contents.id));
      contents.on('did-navigate', () => {
        if (!connections.has(contents.id)) return;
        detach(contents.id);
        connect(contents);
      });
    },
    close() {
      ipcMain.removeHandler(IPC_INVOKE);
      for (const id of [...connections.keys()]) detach(id);
    },
  };
}
