import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiName } from '../functions';
import { FaultInjector } from './faults';
import { checkRequest, echoFromBytes } from './gateway-checks';
import { JSON_TYPE, sendText } from './http-io';
import { OrderBook } from './order-book';
import { resultInfo } from './result-info';
import { corruptSignature, signedResponse, type ResponseEcho } from './signed-response';
import { SandboxCounters } from './stats';
import type { SandboxClient, SandboxLimits, SandboxOptions, SandboxStats } from './types';

/**
 * The gateway proper: turns the bytes of one API request into the bytes of its signed
 * answer, and lets the configured faults delay, lose or spoil that answer on the way out.
 */

const HTML_TYPE = 'text/html; charset=utf-8';

function proxyErrorPage(status: number): string {
  const reason = status === 502 ? 'Bad Gateway' : 'Service Temporarily Unavailable';
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** What a captive portal, a proxy or a half-written buffer might hand back with a 200. */
const GARBAGE: ReadonlyArray<{ type: string; text: string }> = [
  { type: HTML_TYPE, text: '<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body><form>Wi-Fi login</form></body></html>' },
  { type: JSON_TYPE, text: '{"response":{"head":{"version":"2.0.4","function":"alipay.intl.acq' },
  { type: 'text/plain; charset=utf-8', text: 'OK' },
];

export class SandboxGateway {
  readonly clients = new Map<string, SandboxClient>();
  readonly faults: FaultInjector;
  readonly counters = new SandboxCounters();
  readonly book: OrderBook;
  private readonly key: KeyObject;
  private readonly limits: SandboxLimits;
  private readonly log: (line: string) => void;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: SandboxOptions, baseUrl: () => string) {
    for (const client of options.clients) this.registerClient(client);
    this.faults = new FaultInjector(options.faults ?? {}, options.seed);
    this.book = new OrderBook({ baseUrl, cancelPaid: options.cancelPaid ?? 'refuse', orderLifetimeMs: options.orderLifetimeMs, ...(options.store ? { store: options.store } : {}) });
    this.key = options.gatewayPrivateKey;
    this.limits = options.limits ?? {};
    this.log = options.log ?? (() => undefined);
  }

  registerClient(client: SandboxClient): void {
    this.clients.set(client.clientId, { ...client });
  }

  /** Timers the sandbox owns, so close() leaves nothing behind that keeps Node alive. */
  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private forget(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  snapshot(): SandboxStats {
    const held = this.book.counts();
    return this.counters.snapshot(held.orders, held.tombstones);
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private answer(echo: ResponseEcho, code: string, message: string | undefined, fields: Record<string, unknown> = {}): string {
    return signedResponse(echo, { resultInfo: resultInfo(code, message), ...fields }, this.key);
  }

  /** Never throws for anything the request holds: an internal error is a signed U. */
  process(bytes: Buffer, api: ApiName): string {
    try {
      const checked = checkRequest(bytes, api, this.clients, this.limits);
      if (!checked.ok) {
        this.counters.result(api, checked.rejection.resultCode, false);
        return this.answer(checked.echo, checked.rejection.resultCode, checked.rejection.resultMsg);
      }
      const { echo, client, body } = checked.request;
      const forced = this.faults.forcedResult(api);
      if (forced !== undefined) {
        this.counters.result(api, forced, false);
        return this.answer(echo, forced, `forced by the sandbox (forceResult.${api})`);
      }
      const outcome = this.book.handle(api, client.merchantId, body);
      this.counters.result(api, outcome.resultCode, outcome.replay === true);
      return this.answer(echo, outcome.resultCode, outcome.resultMsg, outcome.fields);
    } catch (error) {
      this.log(`sandbox: internal error in ${api}: ${error instanceof Error ? error.message : String(error)}`);
      this.counters.result(api, 'UNKNOWN_EXCEPTION', false);
      return this.answer(echoFromBytes(bytes, api), 'UNKNOWN_EXCEPTION', 'internal error in the sandbox gateway');
    }
  }

  async serve(req: IncomingMessage, res: ServerResponse, api: ApiName, bytes: Buffer): Promise<void> {
    this.counters.request(api);
    const plan = this.faults.plan(api);
    if (plan.latencyMs > 0) {
      await new Promise<void>((resolve) => this.later(plan.latencyMs, resolve));
      if (res.destroyed || res.writableEnded) return;
    }
    const kind = plan.kind;
    if (kind !== undefined) this.counters.fault(kind);
    const processed = kind === undefined || plan.processFirst ? this.process(bytes, api) : undefined;
    const unknown = () => this.answer(echoFromBytes(bytes, api), 'UNKNOWN_EXCEPTION', 'sandbox fault: the outcome is unknown');
    switch (kind) {
      case undefined:
        sendText(res, 200, JSON_TYPE, processed!);
        return;
      case 'unknown':
        sendText(res, 200, JSON_TYPE, unknown());
        return;
      case 'badSignature':
        // Unprocessed, the spoiled answer is a U: a forged S would claim work never done.
        sendText(res, 200, JSON_TYPE, corruptSignature(processed ?? unknown()));
        return;
      case 'http5xx': {
        const status = this.faults.draw() < 0.5 ? 502 : 503;
        sendText(res, status, HTML_TYPE, proxyErrorPage(status), { Connection: 'close' });
        return;
      }
      case 'garbage': {
        const variant = GARBAGE[Math.floor(this.faults.draw() * GARBAGE.length)] ?? GARBAGE[0]!;
        sendText(res, 200, variant.type, variant.text);
        return;
      }
      case 'drop':
        req.socket.destroy();
        return;
      case 'timeout': {
        const timer = this.later(this.faults.timeoutHoldMs, () => req.socket.destroy());
        res.on('close', () => this.forget(timer));
        return;
      }
    }
  }
}
