import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { openStoreDatabase } from '../db/open-database';
import type { Database } from '../db/database';
import { storeApi } from '../web/store-api';
import { StoreEvents, type StoreEventsOptions } from '../web/store-events';
import { serveStoreScreen, storeScreenDir } from '../web/static-files';
import { ServerError } from './server-error';
import { adminRoutes, serve, terminalRoutes, type HandlerContext } from './handlers';

/**
 * `till server start`: the store server. It holds no state of its own beyond the database
 * (docs/store-server.md): any number of instances can serve one PostgreSQL. Plain HTTP
 * only on a loopback address; anywhere else it needs --tls-cert and --tls-key.
 */

export interface StoreServerOptions {
  /** host:port; port 0 picks a free one. Default 127.0.0.1:8790. */
  listen?: string;
  /** postgres://…; without it, PGlite in <dataDir>/pglite. */
  databaseUrl?: string;
  dataDir: string;
  tlsCert?: string;
  tlsKey?: string;
  log?: (line: string) => void;
  now?: () => number;
  /** The store screen's live events (tests shorten them). */
  events?: StoreEventsOptions;
  /** A terminal silent this long is marked stale on the store screen (default report.ts STALE_AFTER_MS). */
  staleAfterMs?: number;
}

export interface RunningStoreServer {
  url: string;
  adminSocket: string;
  database: Database;
  close(): Promise<void>;
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|::1|localhost)$/i;

function notFound(url: URL): never {
  throw new ServerError(404, 'NOT_FOUND', `no ${url.pathname.slice(0, 100)} here`);
}

export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[3]);
  if (!match || port > 65_535) throw new Error(`--listen must be host:port (e.g. 127.0.0.1:8790 or 0.0.0.0:8790), got ${JSON.stringify(listen.slice(0, 60))}`);
  return { host: match[1] ?? match[2]!, port };
}

function listenOn(server: http.Server, target: number | string, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if (typeof target === 'string') server.listen(target, done);
    else server.listen(target, host, done);
  });
}

export async function startStoreServer(options: StoreServerOptions): Promise<RunningStoreServer> {
  const { host, port } = parseListen(options.listen ?? '127.0.0.1:8790');
  const tls = options.tlsCert !== undefined || options.tlsKey !== undefined;
  if (tls && (options.tlsCert === undefined || options.tlsKey === undefined)) throw new Error('HTTPS needs both --tls-cert and --tls-key');
  if (!tls && !LOOPBACK.test(host)) throw new Error(`the store server listens on ${host} only over HTTPS: give --tls-cert and --tls-key (plain HTTP is for this machine only)`);
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(options.dataDir, 0o700);
  const log = options.log ?? ((line: string) => process.stderr.write(`store server: ${line}\n`));
  const database = await openStoreDatabase({ url: options.databaseUrl, dataDir: options.dataDir });
  const events = new StoreEvents(database, options.events);
  const ctx: HandlerContext = { db: database, now: options.now ?? Date.now, log, changed: () => events.poke() };
  const terminal = terminalRoutes(ctx);
  const admin = adminRoutes(ctx);
  const api = storeApi(ctx, { secureCookies: tls, events, staleAfterMs: options.staleAfterMs });
  const screen = storeScreenDir();
  const onTerminal = (req: http.IncomingMessage, res: http.ServerResponse) => {
    // The store screen's files: every GET that is not the API's.
    if (screen !== null && req.method === 'GET' && !/^\/(api|v1)\//.test(req.url ?? '') && serveStoreScreen(screen, new URL(req.url ?? '/', 'http://server').pathname, res)) return;
    void serve(terminal, ctx, req, res, (request, url) => (url.pathname.startsWith('/api/') ? api(request, url) : notFound(url)));
  };
  const listener = tls ? https.createServer({ cert: fs.readFileSync(options.tlsCert!), key: fs.readFileSync(options.tlsKey!) }, onTerminal) : http.createServer(onTerminal);
  listener.requestTimeout = 60_000;
  listener.headersTimeout = 15_000;
  const adminServer = http.createServer((req, res) => void serve(admin, ctx, req, res));
  const adminSocket = path.join(options.dataDir, 'admin.sock');
  try {
    await listenOn(listener, port, host);
    // A socket left by a server that was killed: nothing listens on it any more.
    fs.rmSync(adminSocket, { force: true });
    await listenOn(adminServer, adminSocket);
    fs.chmodSync(adminSocket, 0o600);
  } catch (error) {
    listener.close();
    adminServer.close();
    await database.close().catch(() => undefined);
    throw error;
  }
  const address = listener.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed = false;
  return {
    url: `${tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
    adminSocket,
    database,
    async close() {
      if (closed) return;
      closed = true;
      events.close();
      listener.closeAllConnections();
      adminServer.closeAllConnections();
      await Promise.all([new Promise((r) => listener.close(r)), new Promise((r) => adminServer.close(r))]);
      fs.rmSync(adminSocket, { force: true });
      await database.close();
    },
  };
}
