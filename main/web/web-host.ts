import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from '../ipc/router-types';
import { createBridge, type Bridge } from './bridge';
import { newBridgeToken } from './bridge-token';
import { LOOPBACK_HOST, ownHost } from './own-host';
import { createStaticHandler, defaultStaticDir } from './static-files';
import { screenUrl } from './web-urls';

/**
 * The web host: one HTTP server on loopback for the renderer build, upgraded to the bridge
 * on BRIDGE_PATH. It owns neither the router nor the till: the caller closes those.
 */

export interface WebHostOptions {
  router: Router;
  /** The renderer build; defaults to dist/renderer next to the compiled main/. */
  staticDir?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback only: the token is the only other guard, and it is not meant for a network. */
  host?: typeof LOOPBACK_HOST;
  log?: (line: string) => void;
  /** For tests: shorter heartbeat and smaller buffers. */
  bridge?: { maxBufferedBytes?: number; maxCallsInFlight?: number; maxConnections?: number; heartbeatMs?: number };
}

export interface WebHost {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** The till screen: `origin/#token=T`. */
  url: string;
  /** The customer display: `origin/#/customer?token=T`. */
  customerUrl: string;
  /** The supervisor screen: `origin/#/supervisor?token=T`. */
  supervisorUrl: string;
  token: string;
  /** Open bridge sockets. */
  connections(): number;
  close(): Promise<void>;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const bind = options.host ?? LOOPBACK_HOST;
  if (bind !== LOOPBACK_HOST) throw new RangeError(`the web host listens on ${LOOPBACK_HOST} only, not ${String(bind)}`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be 0..65535, got ${String(port)}`);

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK_HOST, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  // The handlers need the real port (Host, Origin, CSP); no request is read before they are attached.
  const own = ownHost((server.address() as AddressInfo).port);
  const token = newBridgeToken();
  const bridge: Bridge = createBridge({ router: options.router, host: own, token, ...(options.log ? { log: options.log } : {}), ...options.bridge });
  server.on('request', createStaticHandler({ root: options.staticDir ?? defaultStaticDir(), host: own }));
  server.on('upgrade', (req, socket, head) => bridge.handleUpgrade(req, socket, head));

  let closed: Promise<void> | undefined;
  return {
    origin: own.origin,
    port: own.port,
    url: screenUrl(own.origin, token, 'till'),
    customerUrl: screenUrl(own.origin, token, 'customer'),
    supervisorUrl: screenUrl(own.origin, token, 'supervisor'),
    token,
    connections: () => bridge.size(),
    close() {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await bridge.close();
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}
