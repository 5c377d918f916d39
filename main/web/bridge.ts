import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { BRIDGE_MAX_FRAME_BYTES, BRIDGE_PATH, ROUTER_ERROR_CODES, TOKEN_PARAM, type BridgeFrame, type Result } from '../../preload/contract';
import type { Router } from '../ipc/router-types';
import { parseBridgeFrame } from './bridge-frames';
import { tokensMatch } from './bridge-token';
import type { OwnHost } from './own-host';

/**
 * The WebSocket bridge: one router connection per socket, frames of
 * preload/contract/bridge-protocol.ts. A socket is accepted only on BRIDGE_PATH, from one of
 * our own pages (Host and Origin), with this launch's token.
 */

/** Close codes the renderer can tell apart (RFC 6455 §7.4.1). */
export const CLOSE = {
  goingAway: 1001,
  policy: 1008,
  internal: 1011,
} as const;

export interface BridgeOptions {
  router: Router;
  host: OwnHost;
  token: string;
  /** A client that has not read this much of what was sent to it is dropped. */
  maxBufferedBytes?: number;
  /** Calls one socket may have running at once; more is a misbehaving client. */
  maxCallsInFlight?: number;
  maxConnections?: number;
  /** Ping interval; a socket that missed the previous pong is dropped (its session ends). */
  heartbeatMs?: number;
  /** One line per refused upgrade or dropped socket; never the token. */
  log?: (line: string) => void;
}

export interface Bridge {
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open sockets. */
  size(): number;
  close(): Promise<void>;
}

const DEFAULTS = { maxBufferedBytes: 4 * 1024 * 1024, maxCallsInFlight: 32, maxConnections: 16, heartbeatMs: 30_000 };

export function createBridge(options: BridgeOptions): Bridge {
  const { router, host, token } = options;
  const limits = { ...DEFAULTS, ...definedOnly(options) };
  const log = options.log ?? (() => {});
  const wss = new WebSocketServer({ noServer: true, maxPayload: BRIDGE_MAX_FRAME_BYTES, perMessageDeflate: false, clientTracking: false });
  const sockets = new Set<WebSocket>();
  const alive = new WeakSet<WebSocket>();
  let sequence = 0;
  let closing = false;
  const labels = new WeakMap<WebSocket, string>();

  const heartbeat = setInterval(() => {
    for (const ws of sockets) {
      if (!alive.has(ws)) {
        log(`bridge: ${labels.get(ws) ?? 'socket'} missed a heartbeat, dropped`);
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, limits.heartbeatMs);
  heartbeat.unref();

  function refuse(socket: Duplex, status: number, reason: string, what: string): void {
    log(`bridge: refused an upgrade from ${what}: ${reason}`);
    const body = `${reason}\n`;
    socket.on('error', () => {});
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}\r\n` +
        'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.destroy();
  }

  function handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const what = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    if (closing) return refuse(socket, 503, 'the till is shutting down', what);
    if (!host.isOwnHostHeader(req.headers.host)) return refuse(socket, 403, 'unknown host', what);
    const target = splitTarget(req.url ?? '');
    if (target === null || target.path !== BRIDGE_PATH) return refuse(socket, 404, 'not found', what);
    if (!host.isOwnOrigin(req.headers.origin)) return refuse(socket, 403, 'origin not allowed', what);
    const tokens = target.query.getAll(TOKEN_PARAM);
    if (tokens.length !== 1 || !tokensMatch(tokens[0], token)) return refuse(socket, 401, 'token missing or wrong', what);
    if (sockets.size >= limits.maxConnections) return refuse(socket, 503, 'too many connections', what);
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, what));
  }

  function accept(ws: WebSocket, what: string): void {
    if (closing) {
      ws.close(CLOSE.goingAway, 'till shutting down');
      return;
    }
    const label = `ws#${++sequence} ${what}`;
    const connection = router.connect({ host: 'web', label });
    sockets.add(ws);
    alive.add(ws);
    labels.set(ws, label);
    log(`bridge: ${label} connected`);
    let inFlight = 0;

    const send = (frame: BridgeFrame): void => {
      if (ws.readyState !== WebSocket.OPEN) return;
      // Checked before adding more: a reply of any size goes out, but a client that stopped
      // reading cannot make this process hold more than the limit plus one frame for it.
      if (ws.bufferedAmount > limits.maxBufferedBytes) {
        log(`bridge: ${label} is not reading (${ws.bufferedAmount} bytes queued), dropped`);
        ws.terminate();
        return;
      }
      ws.send(serialise(frame));
    };

    const unsubscribe = connection.subscribe((event) => send({ event }));

    ws.on('pong', () => alive.add(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        ws.close(CLOSE.policy, 'binary frames are not part of the bridge');
        return;
      }
      const parsed = parseBridgeFrame(textOf(data));
      if (parsed.kind === 'unanswerable') {
        ws.close(CLOSE.policy, parsed.reason);
        return;
      }
      if (parsed.kind === 'refused') {
        send({ id: parsed.id, result: { ok: false, error: parsed.error } });
        return;
      }
      if (inFlight >= limits.maxCallsInFlight) {
        log(`bridge: ${label} has ${inFlight} calls running, dropped`);
        ws.close(CLOSE.policy, 'too many calls in flight');
        return;
      }
      inFlight += 1;
      const { id, channel, request } = parsed.call;
      void invokeSafely(() => connection.invoke(channel, request)).then((result) => {
        inFlight -= 1;
        send({ id, result });
      });
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', (code) => {
      log(`bridge: ${label} closed (${code})`);
      sockets.delete(ws);
      unsubscribe();
      connection.close();
    });
  }

  async function close(): Promise<void> {
    closing = true;
    clearInterval(heartbeat);
    const open = [...sockets];
    await Promise.all(
      open.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => ws.terminate(), 1_000);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            ws.close(CLOSE.goingAway, 'till shutting down');
          }),
      ),
    );
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  return { handleUpgrade, size: () => sockets.size, close };
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };

function definedOnly(options: BridgeOptions): Partial<typeof DEFAULTS> {
  const picked: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}

function splitTarget(url: string): { path: string; query: URLSearchParams } | null {
  if (!url.startsWith('/')) return null;
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  return { path, query: new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1)) };
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** The router never rejects by contract; this keeps a broken promise from leaving a call unanswered. */
async function invokeSafely(call: () => Promise<Result<unknown>>): Promise<Result<unknown>> {
  try {
    return await call();
  } catch {
    return { ok: false, error: { code: ROUTER_ERROR_CODES.internal, message: 'the call failed' } };
  }
}

function serialise(frame: BridgeFrame): string {
  try {
    return JSON.stringify(frame);
  } catch {
    const error = { code: ROUTER_ERROR_CODES.internal, message: 'the reply could not be encoded' };
    return JSON.stringify('id' in frame ? { id: frame.id, result: { ok: false, error } } : { event: { type: 'status' } });
  }
}
