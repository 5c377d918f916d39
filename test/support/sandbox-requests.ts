import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { buildHead, signRequest } from '../../main/alipay/envelope';
import type { ApiName } from '../../main/alipay/functions';
import { API } from '../../main/alipay/functions';
import type { UnknownReason } from '../../main/alipay/outcome';
import type { FaultKind } from '../../main/alipay/sandbox/faults';
import { buildPreCreateBody, type MerchantSetup } from '../../main/alipay/precreate-body';
import { openSignedMessage, verifyOpened } from '../../main/alipay/signed-message';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../main/alipay/sandbox/server';

/**
 * Signed requests for the sandbox gateway, built with the till's own envelope and body
 * code (so a test proves both roles agree), plus a plain HTTP(S) client that reports what
 * came back (status, bytes, whether the keep-alive socket was reused) without judging it.
 */

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const pairs = new Map<string, KeyPair>();

/** RSA-2048 pairs, made once per process per name ("gateway", "client", "intruder"...). */
export function testKeyPair(name: string): KeyPair {
  let pair = pairs.get(name);
  if (!pair) {
    pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pairs.set(name, pair);
  }
  return pair;
}

export const MERCHANT_ID = '2188000000000001';
export const CLIENT_ID = '2110000000000044';

export function uniqueTransId(prefix = 'T'): string {
  return `${prefix}-${Date.now()}-${randomBytes(4).toString('hex')}`;
}

export interface PreCreateOptions {
  merchantTransId?: string;
  amountMinor?: number;
  currency?: string;
  title?: string;
  site?: string;
  merchantId?: string;
}

export const SETUP: MerchantSetup = {
  merchantId: MERCHANT_ID,
  seller: { sellerId: 'S0001', sellerMCC: '5691', sellerName: 'Corner Shop', storeId: 'ST01', storeMCC: '5691', storeName: 'Corner Shop #1', terminalId: 'TILL-1' },
  site: 'ALIPAY_HK',
  businessType: '5',
  otherBusinessType: 'Retail',
};

export function preCreateBody(options: PreCreateOptions = {}): Record<string, unknown> {
  return buildPreCreateBody(
    {
      merchantTransId: options.merchantTransId ?? uniqueTransId(),
      amountMinor: options.amountMinor ?? 239,
      currency: options.currency ?? 'USD',
      title: options.title ?? 'Coffee & cake',
    },
    { ...SETUP, merchantId: options.merchantId ?? SETUP.merchantId, site: options.site ?? SETUP.site },
  ).body;
}

export interface SignOptions {
  clientId?: string;
  privateKey?: KeyObject;
  isvAccessToken?: string;
  /** Head fields to replace; `undefined` removes one. Applied after the till's own head checks. */
  head?: Record<string, unknown>;
}

/** The bytes the till would POST: `{"request":{"head":…,"body":…},"signature":"…"}`. */
export function signedEnvelope(api: ApiName, body: unknown, options: SignOptions = {}): string {
  const head: Record<string, unknown> = buildHead({ api, clientId: options.clientId ?? CLIENT_ID, isvAccessToken: options.isvAccessToken });
  for (const [k, v] of Object.entries(options.head ?? {})) {
    if (v === undefined) delete head[k];
    else head[k] = v;
  }
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  return signRequest(head as Record<string, string>, bodyText, options.privateKey ?? testKeyPair('client').privateKey).envelope;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  bytes: Buffer;
  reusedSocket: boolean;
}

export interface HttpOptions {
  method?: string;
  ca?: string;
  agent?: http.Agent;
  headers?: Record<string, string>;
  /** The client gives up (destroys the request) after this long. */
  timeoutMs?: number;
}

/** Rejects on transport failure (reset, hang-up, TLS refusal, own timeout): callers assert which. */
export function request(url: string, payload: string | Buffer | undefined, options: HttpOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...(payload !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), ...options.headers };
    if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
    const req = lib.request(target, { method: options.method ?? (payload === undefined ? 'GET' : 'POST'), headers, agent: options.agent, ca: options.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: bytes.toString('utf8'), bytes, reusedSocket: req.reusedSocket });
      });
    });
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    }
    req.on('error', reject);
    req.end(payload);
  });
}

export interface GatewayAnswer extends HttpAnswer {
  head: Record<string, unknown>;
  body: Record<string, unknown>;
  resultInfo: { resultStatus: string; resultCodeId: string; resultCode: string; resultMsg: string };
}

/** Opens a gateway answer the way the till must: cut the text, verify with the gateway's key. */
export function openResponse(text: string, gatewayPublicKey: KeyObject): { head: Record<string, unknown>; body: Record<string, unknown> } {
  const opened = openSignedMessage(text, 'response');
  verifyOpened(opened, gatewayPublicKey);
  return { head: opened.value.head as Record<string, unknown>, body: opened.value.body as Record<string, unknown> };
}

export interface TestSandbox {
  sandbox: SandboxHandle;
  gatewayPublicKey: KeyObject;
  /** POSTs raw bytes to an API path (or any path). */
  post(pathOrApi: ApiName | string, payload: string | Buffer, options?: HttpOptions): Promise<HttpAnswer>;
  /** Signs, posts, verifies the answer's signature and returns it opened. */
  call(api: ApiName, body: unknown, sign?: SignOptions, options?: HttpOptions): Promise<GatewayAnswer>;
  close(): Promise<void>;
}

export async function startTestSandbox(overrides: Partial<SandboxOptions> = {}, httpDefaults: HttpOptions = {}): Promise<TestSandbox> {
  const gateway = testKeyPair('gateway');
  const sandbox = await startSandbox({
    gatewayPrivateKey: gateway.privateKey,
    clients: [{ clientId: CLIENT_ID, merchantId: MERCHANT_ID, publicKey: testKeyPair('client').publicKey }],
    ...overrides,
  });
  const post = (pathOrApi: string, payload: string | Buffer, options: HttpOptions = {}) => {
    const path = pathOrApi in API ? API[pathOrApi as ApiName].path : pathOrApi;
    return request(sandbox.url + path, payload, { ...httpDefaults, ...options });
  };
  return {
    sandbox,
    gatewayPublicKey: gateway.publicKey,
    post,
    async call(api, body, sign = {}, options = {}) {
      const answer = await post(api, signedEnvelope(api, body, sign), options);
      const { head, body: responseBody } = openResponse(answer.text, gateway.publicKey);
      return { ...answer, head, body: responseBody, resultInfo: responseBody.resultInfo as GatewayAnswer['resultInfo'] };
    },
    close: () => sandbox.close(),
  };
}

/** What the till makes of each injected fault: always an unknown outcome, for this reason. */
export const FAULT_REASON: Record<FaultKind, UnknownReason> = {
  unknown: 'gateway_unknown',
  http5xx: 'http_status',
  drop: 'dropped',
  timeout: 'timeout',
  badSignature: 'rejected',
  garbage: 'rejected',
};
