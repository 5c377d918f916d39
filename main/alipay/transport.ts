import { createHash, X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import * as dns from 'node:dns';
import type * as net from 'node:net';
import { Agent, EnvHttpProxyAgent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { TillError } from '../errors';

/**
 * HTTPS to the gateway: certificate verification always on (an optional private CA and
 * SPKI pins narrow it, nothing widens it), plain HTTP only to loopback (the sandbox),
 * connect and total timeouts, keep-alive, proxies from HTTP(S)_PROXY / NO_PROXY.
 */

export interface TransportOptions {
  baseUrl: string;
  /** PEM bundle that replaces the system roots (a private or test CA). */
  caPem?: string;
  /** base64 SHA-256 of the server's SubjectPublicKeyInfo; any one must match. */
  pinSha256?: readonly string[];
  connectTimeoutMs?: number;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Proxy variables; defaults to process.env. */
  proxyEnv?: { httpProxy?: string; httpsProxy?: string; noProxy?: string };
  /** Who is at the other end, for messages ("the gateway"; the store server uses the same rules). */
  peer?: string;
  /** The setting that holds baseUrl, named in configuration errors. */
  urlSetting?: string;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  bytes: Buffer;
}

/** Why no answer came. `connect`: the request never left; `exchange`: it may have arrived. */
export class TransportError extends TillError {
  constructor(
    code: 'GATEWAY_UNREACHABLE' | 'GATEWAY_TIMEOUT' | 'GATEWAY_TLS' | 'GATEWAY_DROPPED' | 'RESPONSE_TOO_LARGE',
    message: string,
    readonly phase: 'connect' | 'exchange',
    cause?: unknown,
  ) {
    super(code, message, { cause });
    this.name = 'TransportError';
  }
}

/** Every 127.0.0.0/8 address, ::1, 127.x written as IPv4-mapped IPv6 (as URL normalizes it), and localhost. */
const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\])$/i;

export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.test(url.hostname);
}

/** `localhost` is this machine's IPv4 loopback, whatever the resolver or /etc/hosts says. */
const loopbackLookup: NonNullable<net.TcpNetConnectOpts['lookup']> = (hostname, options, callback) => {
  if (hostname.toLowerCase() !== 'localhost') return dns.lookup(hostname, options, callback as never);
  if ((options as dns.LookupOptions).all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

/**
 * From the certificate's DER: Node's `PeerCertificate.pubkey` is the SPKI only for RSA keys
 * (for EC keys it is the bare curve point), so it cannot be hashed as the pin.
 */
export function spkiPin(cert: { raw?: Buffer }): string {
  if (!cert.raw?.length) return '';
  const spki = new X509Certificate(cert.raw).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export class GatewayTransport {
  readonly base: URL;
  private readonly dispatcher: Dispatcher;
  private abandoned = false;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly peer: string;

  constructor(options: TransportOptions) {
    const setting = options.urlSetting ?? 'gateway.baseUrl';
    this.peer = options.peer ?? 'the gateway';
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new TillError('CONFIG_INVALID', `${setting} is not a URL: ${JSON.stringify(options.baseUrl)}`, { field: setting });
    }
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackUrl(base))) {
      throw new TillError(setting === 'gateway.baseUrl' ? 'GATEWAY_INSECURE' : 'URL_INSECURE', `${setting} must use https:// (plain http is allowed only to this machine${setting === 'gateway.baseUrl' ? ', for the sandbox' : ''})`, { field: setting });
    }
    this.base = base;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxBytes = options.maxResponseBytes ?? 1024 * 1024;
    const pins = options.pinSha256?.filter(Boolean) ?? [];
    const tls = {
      ...(options.caPem ? { ca: options.caPem } : {}),
      rejectUnauthorized: true,
      timeout: options.connectTimeoutMs ?? 5_000,
      checkServerIdentity: (host: string, cert: PeerCertificate): Error | undefined => {
        const identity = checkServerIdentity(host, cert);
        if (identity) return identity;
        if (pins.length > 0 && !pins.includes(spkiPin(cert))) return new Error(`${this.peer} certificate does not match the configured pin`);
        return undefined;
      },
    };
    const timeouts = { headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, keepAliveTimeout: 10_000 };
    // This machine is never reached through a proxy: the sandbox's traffic (and an ISV token
    // in its head) has no business on a proxy, whatever NO_PROXY says.
    this.dispatcher = isLoopbackUrl(base)
      ? new Agent({ connect: { ...tls, lookup: loopbackLookup }, ...timeouts })
      : new EnvHttpProxyAgent({ ...proxySettings(options.proxyEnv), connect: tls, requestTls: tls, ...timeouts });
  }

  /**
   * One exchange, bounded by timeoutMs whatever the path: undici's own timeouts and the
   * abort signal do not reach every phase (a proxy that accepts the connection and never
   * answers CONNECT held a call for minutes), so a timer of our own ends the wait as well.
   */
  async post(path: string, body: string, headers: Readonly<Record<string, string>> = {}): Promise<HttpAnswer> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new TransportError('GATEWAY_TIMEOUT', `no complete answer from ${this.peer} within ${this.timeoutMs} ms`, 'exchange'));
      }, this.timeoutMs);
    });
    const exchange = this.exchange(path, body, headers, controller.signal);
    exchange.catch(() => undefined); // settled after the deadline: nobody is listening any more
    try {
      return await Promise.race([exchange, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async exchange(path: string, body: string, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<HttpAnswer> {
    const url = new URL(path.replace(/^\//, ''), this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: { ...headers, 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
        body,
        signal,
      });
    } catch (error) {
      throw classify(error, this.timeoutMs, this.peer);
    }
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (declared > this.maxBytes) {
      response.body.destroy();
      throw new TransportError('RESPONSE_TOO_LARGE', `${this.peer} answer is ${declared} bytes, over the ${this.maxBytes}-byte limit`, 'exchange');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > this.maxBytes) {
          response.body.destroy();
          throw new TransportError('RESPONSE_TOO_LARGE', `${this.peer} answer is over the ${this.maxBytes}-byte limit`, 'exchange');
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      throw error instanceof TransportError ? error : classify(error, this.timeoutMs, this.peer, 'exchange');
    }
    const contentType = response.headers['content-type'];
    return { status: response.statusCode, contentType: Array.isArray(contentType) ? contentType.join(',') : (contentType ?? ''), bytes: Buffer.concat(chunks) };
  }

  async close(): Promise<void> {
    // After abandon() the pool is already gone; closing it again is not an error here.
    if (this.abandoned) return;
    await this.dispatcher.close();
  }

  /**
   * Drops every request still in flight (a person chose not to wait, e.g. a second Ctrl-C).
   * Their outcomes become unknown, which the journal's resolution settles later.
   */
  abandon(): void {
    this.abandoned = true;
    void this.dispatcher.destroy().catch(() => undefined);
  }
}

/**
 * HTTP(S)_PROXY / NO_PROXY from the environment, with this machine always reached
 * directly: a corporate proxy must not swallow the sandbox on 127.0.0.1. Settings given
 * explicitly are taken as they are.
 */
function proxySettings(given: TransportOptions['proxyEnv']): { httpProxy: string; httpsProxy: string; noProxy: string } {
  if (given) return { httpProxy: given.httpProxy ?? '', httpsProxy: given.httpsProxy ?? '', noProxy: given.noProxy ?? '' };
  const env = process.env;
  const noProxy = [env.no_proxy ?? env.NO_PROXY, 'localhost', '127.0.0.1', '[::1]'].filter(Boolean).join(',');
  return { httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '', httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '', noProxy };
}

function classify(error: unknown, timeoutMs: number, peer: string, phase?: 'exchange'): TransportError {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new TransportError('GATEWAY_UNREACHABLE', `${peer} did not accept a connection in time`, 'connect', error);
  }
  if (
    (error as Error).name === 'TimeoutError' ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return new TransportError('GATEWAY_TIMEOUT', `no complete answer from ${peer} within ${timeoutMs} ms`, 'exchange', error);
  }
  if (/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ENETDOWN)$/.test(code)) {
    return new TransportError('GATEWAY_UNREACHABLE', `${peer} cannot be reached (${code})`, 'connect', error);
  }
  if (/CERT|SSL|TLS|certificate|self.signed|pin/i.test(`${code} ${message}`)) {
    return new TransportError('GATEWAY_TLS', `${peer}'s certificate was not accepted: ${message}`, 'connect', error);
  }
  return new TransportError('GATEWAY_DROPPED', `the connection to ${peer} broke: ${code || message}`, phase ?? 'exchange', error);
}
