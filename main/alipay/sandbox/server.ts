import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { TillError } from '../../errors';
import { API, apiByPath } from '../functions';
import { serveControl } from './control';
import { QR_PATH, serveCustomer } from './customer-routes';
import { SandboxGateway } from './gateway';
import { isLoopback, readBody, sendError } from './http-io';
import { allowedHosts, originProblem } from './request-origin';
import type { FaultConfig } from './faults';
import type { SandboxClient, SandboxHandle, SandboxOptions } from './types';

/**
 * The built-in sandbox gateway: the server role of the protocol, on real HTTP(S) with
 * keep-alive. A fresh install talks to it; tests run the till against it on loopback.
 */

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const API_PATHS = Object.values(API).map((a) => a.path);

function checkOptions(options: SandboxOptions): void {
  if (options.gatewayPrivateKey?.type !== 'private') {
    throw new TillError('SANDBOX_OPTIONS_INVALID', 'gatewayPrivateKey must be a private KeyObject (it signs every response)', { field: 'gatewayPrivateKey' });
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TillError('SANDBOX_OPTIONS_INVALID', 'port must be a whole number from 0 to 65535', { field: 'port' });
  }
  if (options.publicBaseUrl !== undefined && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(options.publicBaseUrl)) {
    throw new TillError('SANDBOX_OPTIONS_INVALID', 'publicBaseUrl must be an http(s) URL without query or fragment', { field: 'publicBaseUrl' });
  }
}

function urlOf(tls: boolean, host: string, port: number): string {
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let ownUrl = '';
  const hosts = allowedHosts(options.publicBaseUrl, options.hostNames);
  const gateway = new SandboxGateway(options, () => (options.publicBaseUrl ?? ownUrl).replace(/\/+$/, ''));
  const log = options.log ?? (() => undefined);

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    } catch {
      gateway.counters.httpStatus(400);
      sendError(res, 400, 'bad_request', 'the request target is not a valid path');
      return;
    }
    const refused = originProblem(req, hosts, options.tls !== undefined);
    if (refused) {
      gateway.counters.httpStatus(403);
      sendError(res, 403, 'forbidden', refused);
      return;
    }
    const path = url.pathname;
    const method = req.method ?? '';
    const api = apiByPath(path);
    if (api && method !== 'POST') {
      gateway.counters.httpStatus(405);
      sendError(res, 405, 'method_not_allowed', `${path} takes POST only`, { Allow: 'POST' });
      return;
    }
    const isControl = path === '/sandbox' || path.startsWith('/sandbox/');
    if (isControl && !isLoopback(req.socket.remoteAddress)) {
      gateway.counters.httpStatus(403);
      sendError(res, 403, 'forbidden', 'the sandbox control endpoints answer loopback callers only');
      return;
    }
    const qr = QR_PATH.exec(path);
    if (!api && !isControl && !qr) {
      gateway.counters.httpStatus(404);
      sendError(res, 404, 'not_found', `nothing at ${method} ${path.slice(0, 200)}; the gateway serves POST on ${API_PATHS.join(', ')}`);
      return;
    }
    const body = method === 'POST' ? await readBody(req, maxBody) : ({ kind: 'ok', bytes: Buffer.alloc(0) } as const);
    if (body.kind === 'aborted') return;
    if (body.kind === 'too_large') {
      gateway.counters.httpStatus(413);
      sendError(res, 413, 'payload_too_large', `request bodies are limited to ${maxBody} bytes`, { Connection: 'close' });
      return;
    }
    if (api) await gateway.serve(req, res, api, body.bytes);
    else if (isControl) serveControl(req, res, path, gateway, body.bytes);
    else if (qr) serveCustomer(req, res, qr[1]!, qr[2], gateway.book, url.searchParams);
  }

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    route(req, res).catch((error: unknown) => {
      log(`sandbox: internal error on ${req.method ?? ''} ${req.url ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
      gateway.counters.httpStatus(500);
      sendError(res, 500, 'internal', 'internal error in the sandbox');
    });
  };

  const server = options.tls ? https.createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, handler) : http.createServer(handler);
  server.keepAliveTimeout = 5_000;
  // Bytes that are not HTTP get a plain 400 (Node's default would too, but say it in JSON);
  // a reset socket is the client's problem, never a crash.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const text = '{"error":"bad_request","message":"the request is not valid HTTP/1.1"}';
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${text.length}\r\nConnection: close\r\n\r\n${text}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  ownUrl = urlOf(options.tls !== undefined, host, port);

  let closing: Promise<void> | undefined;
  return {
    url: ownUrl,
    port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        gateway.stop();
        server.close(() => {
          gateway.book.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
    setFaults(faults: FaultConfig): void {
      gateway.faults.set(faults);
    },
    registerClient(client: SandboxClient): void {
      gateway.registerClient(client);
    },
    orders: () => gateway.book.list(),
    tombstones: () => gateway.book.tombstones(),
    stats: () => gateway.snapshot(),
    pay(merchantTransId: string, merchantId?: string) {
      const paid = gateway.book.payByTransId(merchantTransId, merchantId);
      if (!paid.ok) throw new TillError(paid.reason === 'not_found' ? 'SANDBOX_ORDER_NOT_FOUND' : 'SANDBOX_ORDER_NOT_PAYABLE', paid.message, { field: 'merchantTransId' });
      return paid.order;
    },
  };
}

export type { SandboxClient, SandboxHandle, SandboxLimits, SandboxOptions, SandboxOrderRecord, SandboxStats, SandboxTombstone } from './types';
export { parseFaults, type FaultConfig, type FaultKind } from './faults';
