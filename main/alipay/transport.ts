import { createHash, X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { EnvHttpProxyAgent, errors as undiciErrors, request, type Dispatcher } from 'undici';
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

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.test(url.hostname);
}

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
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  constructor(options: TransportOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new TillError('CONFIG_INVALID', `gateway.baseUrl is not a URL: ${JSON.stringify(options.baseUrl)}`, { field: 'gateway.baseUrl' });
    }
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackUrl(base))) {
      throw new TillError('GATEWAY_INSECURE', 'gateway.baseUrl must use https:// (plain http is allowed only to this machine, for the sandbox)', { field: 'gateway.baseUrl' });
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
        if (pins.length > 0 && !pins.includes(spkiPin(cert))) return new Error('the gateway certificate does not match the configured pin');
        return undefined;
      },
    };
    this.dispatcher = new EnvHttpProxyAgent({
      ...proxySettings(options.proxyEnv),
      connect: tls,
      requestTls: tls,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 10_000,
    });
  }

  async post(path: string, body: string): Promise<HttpAnswer> {
    const url = new URL(path.replace(/^\//, ''), this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw classify(error, this.timeoutMs);
    }
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (declared > this.maxBytes) {
      response.body.destroy();
      throw new TransportError('RESPONSE_TOO_LARGE', `the gateway answer is ${declared} bytes, over the ${this.maxBytes}-byte limit`, 'exchange');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > this.maxBytes) {
          response.body.destroy();
          throw new TransportError('RESPONSE_TOO_LARGE', `the gateway answer is over the ${this.maxBytes}-byte limit`, 'exchange');
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      throw error instanceof TransportError ? error : classify(error, this.timeoutMs, 'exchange');
    }
    const contentType = response.headers['content-type'];
    return { status: response.statusCode, contentType: Array.isArray(contentType) ? contentType.join(',') : (contentType ?? ''), bytes: Buffer.concat(chunks) };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
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

function classify(error: unknown, timeoutMs: number, phase?: 'exchange'): TransportError {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new TransportError('GATEWAY_UNREACHABLE', 'the gateway did not accept a connection in time', 'connect', error);
  }
  if (
    (error as Error).name === 'TimeoutError' ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return new TransportError('GATEWAY_TIMEOUT', `no complete answer from the gateway within ${timeoutMs} ms`, 'exchange', error);
  }
  if (/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ENETDOWN)$/.test(code)) {
    return new TransportError('GATEWAY_UNREACHABLE', `the gateway cannot be reached (${code})`, 'connect', error);
  }
  if (/CERT|SSL|TLS|certificate|self.signed|pin/i.test(`${code} ${message}`)) {
    return new TransportError('GATEWAY_TLS', `the gateway's certificate was not accepted: ${message}`, 'connect', error);
  }
  return new TransportError('GATEWAY_DROPPED', `the connection to the gateway broke: ${code || message}`, phase ?? 'exchange', error);
}
