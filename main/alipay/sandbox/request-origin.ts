import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * Who may talk to the sandbox. The till's client sends no Origin and names the sandbox by
 * address; a web page in a browser on the same machine could otherwise change its faults
 * (a cross-site POST) or, through DNS rebinding (a name of the attacker's that resolves to
 * 127.0.0.1), read its orders. So the Host must be an address, `localhost` or the public
 * URL's name, on the sandbox's port; and an Origin, when a browser sends one, must be the
 * sandbox's own (docs/protocol.md §9).
 */

export interface AllowedHosts {
  port: number;
  /** Host names (not addresses) that are allowed besides localhost: the public URL's, if any. */
  names: ReadonlySet<string>;
  /** Ports allowed besides the listening one (the public URL's, behind a port forward). */
  ports: ReadonlySet<number>;
}

export function allowedHosts(port: number, publicBaseUrl: string | undefined): AllowedHosts {
  const names = new Set<string>(['localhost']);
  const ports = new Set<number>([port]);
  if (publicBaseUrl) {
    const url = new URL(publicBaseUrl);
    names.add(url.hostname.toLowerCase());
    ports.add(Number(url.port || (url.protocol === 'https:' ? 443 : 80)));
  }
  return { port, names, ports };
}

function hostAllowed(host: string, allowed: AllowedHosts, defaultPort: number): boolean {
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    return false;
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return false;
  const name = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || defaultPort);
  return (isIP(name) !== 0 || allowed.names.has(name)) && allowed.ports.has(port);
}

/** Why the request is refused, or undefined when it may go on. */
export function originProblem(req: IncomingMessage, allowed: AllowedHosts, tls: boolean): string | undefined {
  const host = req.headers.host;
  const defaultPort = tls ? 443 : 80;
  if (!host || !hostAllowed(host, allowed, defaultPort)) return 'the Host header names neither an address nor this sandbox';
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return 'the Origin is not a URL';
  }
  const own = parsed.protocol === (tls ? 'https:' : 'http:') && parsed.host === new URL(`http://${host}`).host;
  return own ? undefined : 'requests from another web origin are refused';
}
