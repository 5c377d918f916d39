import { GatewayTransport, type HttpAnswer } from '../alipay/transport';
import { TillError } from '../errors';
import { ENROL_PATH, MAX_BODY_BYTES, SYNC_PATH, type EnrolReply, type EnrolRequest, type SyncBatch, type SyncReply } from '../../server/protocol/sync-protocol';

/**
 * HTTP(S) to the store server with the gateway's rules (main/alipay/transport.ts): TLS
 * always verified, `store.caFile` as the only widening, plain HTTP only to this machine,
 * bounded timeouts. A refusal comes back as a StoreRefusal carrying the server's code.
 */

export class StoreRefusal extends TillError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, `the store server refused (${status} ${code}): ${message}`);
    this.name = 'StoreRefusal';
  }
}

export interface StoreClientOptions {
  url: string;
  caPem?: string;
  token?: string;
  timeoutMs?: number;
}

export class StoreClient {
  private readonly transport: GatewayTransport;

  constructor(private readonly options: StoreClientOptions) {
    this.transport = new GatewayTransport({
      baseUrl: options.url,
      caPem: options.caPem,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxResponseBytes: 64 * 1024,
      peer: 'the store server',
      urlSetting: 'store server URL',
    });
  }

  enrol(request: EnrolRequest): Promise<EnrolReply> {
    return this.call<EnrolReply>(ENROL_PATH, request, false);
  }

  sync(batch: SyncBatch): Promise<SyncReply> {
    return this.call<SyncReply>(SYNC_PATH, batch, true);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private async call<T>(path: string, body: unknown, authorised: boolean): Promise<T> {
    const text = JSON.stringify(body);
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new TillError('BATCH_TOO_LARGE', `a store batch of ${Buffer.byteLength(text)} bytes is over the ${MAX_BODY_BYTES}-byte limit`);
    const headers: Record<string, string> = authorised && this.options.token ? { authorization: `Bearer ${this.options.token}` } : {};
    return read<T>(await this.transport.post(path, text, headers));
  }
}

function read<T>(answer: HttpAnswer): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.bytes.toString('utf8'));
  } catch {
    throw new StoreRefusal(answer.status, 'REPLY_INVALID', `an answer that is not JSON (HTTP ${answer.status})`);
  }
  if (answer.status >= 400) {
    const error = (parsed as { error?: { code?: string; message?: string } }).error;
    throw new StoreRefusal(answer.status, error?.code ?? `HTTP_${answer.status}`, (error?.message ?? 'no reason given').slice(0, 300));
  }
  return parsed as T;
}
