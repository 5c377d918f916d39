import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * Who may talk to the sandbox. The till's client sends no Origin and names the sandbox by
 * address; a web page in a browser on the same machine could otherwise change its faults
 * (a cross-site POST) or, through DNS rebinding (a name of the attacker's that resolves to
 * 127.0.0.1), read its orders. So the Host must name an address, `localhost` or the public
 * URL's host (any port: a relay or port forward in between changes it, and rebinding needs
 * a name, not a port); and an Origin, when a browser sends one, must be the sandbox's own
 * (docs/protocol.md §9).
 */

export interface AllowedHosts {
  /** Host names (not addresses) that are allowed: localhost, the public URL's, any given. */
  names: ReadonlySet<string>;
}

export function allowedHosts(publicBaseUrl: string | undefined, hostNames: readonly string[] = []): AllowedHosts {
  const names = new Set<string>(['localhost', ...hostNames.map((n) => n.toLowerCase())]);
  if (publicBaseUrl) names.add(new URL(publicBaseUrl).hostname.toLowerCase());
  return { names };
}

function hostAllowed(host: string, allowed: AllowedHosts): boolean {
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    return false;
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return false;
  const name = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(name) !== 0 || allowed.names.has(name);
}

/** Why the request is refused, or undefined when it may go on. */
export function originProblem(req: IncomingMessage, allowed: AllowedHosts, tls: boolean): string | undefined {
  const host = req.headers.host;
  if (!host || !hostAllowed(host, allowed)) return 'the Host header names neither an address nor this sandbox';
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
