/**
 * Who this web host is, once it listens: the port, the Host header values that name it and
 * the browser origins of its own pages. A request naming any other host is refused, so a
 * page on another site whose DNS name is re-pointed at 127.0.0.1 (DNS rebinding) reaches
 * nothing, and only our own pages may open the bridge.
 */

export const LOOPBACK_HOST = '127.0.0.1';

export interface OwnHost {
  readonly port: number;
  /** `http://127.0.0.1:PORT`: the origin the host hands out in its URLs. */
  readonly origin: string;
  /** True when the Host header names this host (`127.0.0.1:PORT` or `localhost:PORT`). */
  isOwnHostHeader(host: string | undefined): boolean;
  /** True when the Origin header is one of our own pages' origins. */
  isOwnOrigin(origin: string | undefined): boolean;
}

export function ownHost(port: number): OwnHost {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`not a listening port: ${port}`);
  const hosts = new Set([`${LOOPBACK_HOST}:${port}`, `localhost:${port}`]);
  const origins = new Set([...hosts].map((host) => `http://${host}`));
  return {
    port,
    origin: `http://${LOOPBACK_HOST}:${port}`,
    // Host names are case-insensitive; the port part is digits, so lower-casing is safe.
    isOwnHostHeader: (host) => host !== undefined && hosts.has(host.toLowerCase()),
    // Browsers serialise origins in lower case: anything else did not come from a browser page of ours.
    isOwnOrigin: (origin) => origin !== undefined && origins.has(origin),
  };
}
