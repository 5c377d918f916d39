import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../db/database';
import { ENROL_PATH, MAX_BODY_BYTES, SYNC_PATH, type EnrolReply, type EnrolRequest } from '../protocol/sync-protocol';
import { checkBatch } from '../store/check-batch';
import { authenticate, createEnrolCode, listTerminals, redeemEnrolCode, revokeTerminal } from '../store/enrolment';
import { heldSequence, ingestBatch } from '../store/ingest';
import { storeReport } from '../store/report';
import { createUser, disableUser, listUsers, type Role } from '../accounts/users';
import { ServerError } from './server-error';

/**
 * The server's two doors. The terminal API (TCP, HTTPS off loopback): enrol, sync, health.
 * The admin API (a Unix socket in the server's data directory, reachable only by who may
 * read that 0700 directory): enrolment codes, terminals, reports. Every refusal is a JSON
 * error with a code and words; a request that fails changes nothing.
 */

export type Handler = (request: IncomingMessage, url: URL) => Promise<unknown>;

/** An answer that sets its own status or headers (a cookie); any other value is a 200 JSON body. */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string | string[]>> = {},
    readonly status = 200,
  ) {}
}

/** A file-like answer (a CSV): the text as it is, with its own content type. */
export class TextReply {
  constructor(
    readonly text: string,
    readonly contentType: string,
    readonly filename: string,
  ) {}
}

/** A long answer the handler writes itself (server-sent events): serve() sends the head, then hands it the response. */
export class StreamReply {
  constructor(
    readonly contentType: string,
    readonly open: (response: ServerResponse) => void,
  ) {}
}

export interface HandlerContext {
  db: Database;
  now(): number;
  log(line: string): void;
  /** A terminal's batch has landed (the store screen's live events look at once). */
  changed?(): void;
}

export async function readJson(request: IncomingMessage): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > MAX_BODY_BYTES) throw new ServerError(413, 'BODY_TOO_LARGE', `the request body is ${declared} bytes, over the ${MAX_BODY_BYTES}-byte limit`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ServerError(413, 'BODY_TOO_LARGE', `the request body is over the ${MAX_BODY_BYTES}-byte limit`);
    chunks.push(chunk as Buffer);
  }
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ServerError(415, 'JSON_REQUIRED', 'send the body as application/json');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ServerError(400, 'JSON_INVALID', 'the request body is not valid JSON');
  }
}

export function field(body: unknown, name: string, max = 256): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new ServerError(400, 'FIELD_INVALID', `${name} must be text of 1 to ${max} characters`, name);
  return value;
}

export function terminalRoutes(ctx: HandlerContext): Record<string, Handler> {
  return {
    'GET /v1/health': async () => ({ ok: true, database: ctx.db.kind }),
    [`POST ${ENROL_PATH}`]: async (request): Promise<EnrolReply> => {
      const body = await readJson(request);
      const input: EnrolRequest = { code: field(body, 'code', 32), tillTerminalId: field(body, 'tillTerminalId', 64), deviceName: field(body, 'deviceName', 128) };
      const reply = await redeemEnrolCode(ctx.db, { ...input, now: ctx.now() });
      ctx.log(`enrolled terminal ${reply.terminal} (${reply.name}) in store ${reply.store}`);
      return reply;
    },
    [`POST ${SYNC_PATH}`]: async (request) => {
      const who = await authenticate(ctx.db, request.headers.authorization);
      const reply = await ingestBatch(ctx.db, who, checkBatch(await readJson(request)), ctx.now());
      ctx.changed?.();
      return reply;
    },
    [`GET ${SYNC_PATH}`]: async (request) => {
      const who = await authenticate(ctx.db, request.headers.authorization);
      return { lastSeq: await heldSequence(ctx.db, who), terminal: who.id };
    },
  };
}

export function adminRoutes(ctx: HandlerContext): Record<string, Handler> {
  return {
    'POST /admin/enrol': async (request) => {
      const body = (await readJson(request)) as Record<string, unknown>;
      const name = body.name === undefined ? undefined : field(body, 'name', 64);
      return createEnrolCode(ctx.db, { store: field(body, 'store', 64), name, now: ctx.now() });
    },
    'GET /admin/terminals': async (_request, url) => listTerminals(ctx.db, url.searchParams.get('store') ?? undefined),
    'POST /admin/revoke': async (request) => revokeTerminal(ctx.db, field(await readJson(request), 'id', 64), ctx.now()),
    'POST /admin/users': async (request) => {
      const body = (await readJson(request)) as Record<string, unknown>;
      const stores = Array.isArray(body.stores) ? body.stores.map(String) : [];
      return createUser(ctx.db, { name: field(body, 'name', 64), role: field(body, 'role', 16) as Role, stores, password: field(body, 'password', 256), by: 'shell', now: ctx.now() });
    },
    'GET /admin/users': async () => listUsers(ctx.db),
    'POST /admin/users/disable': async (request) => {
      await disableUser(ctx.db, field(await readJson(request), 'name', 64), 'shell', ctx.now());
      return { ok: true };
    },
    'GET /admin/report': async (_request, url) =>
      storeReport(ctx.db, { store: url.searchParams.get('store') ?? '', date: url.searchParams.get('date') ?? '', now: ctx.now() }),
  };
}

/** The database is down or restarting: the till keeps its backlog and tries again later. */
function isDatabaseDown(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|57P0[1-3]|08\d\d\d)$/.test(code) || /terminat|Connection terminated|connect/i.test((error as Error).message ?? '');
}

export async function serve(routes: Record<string, Handler>, ctx: HandlerContext, request: IncomingMessage, response: ServerResponse, fallback?: Handler): Promise<void> {
  let status = 200;
  let body: unknown;
  let headers: Readonly<Record<string, string | string[]>> = {};
  try {
    const url = new URL(request.url ?? '/', 'http://server');
    const handler = routes[`${request.method} ${url.pathname}`] ?? fallback;
    if (!handler) throw new ServerError(404, 'NOT_FOUND', `no ${request.method} ${url.pathname.slice(0, 100)} here`);
    body = await handler(request, url);
    if (body instanceof TextReply) {
      response.writeHead(200, {
        'content-type': body.contentType,
        'content-disposition': `attachment; filename="${body.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
        'content-length': Buffer.byteLength(body.text),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      response.end(body.text);
      return;
    }
    if (body instanceof StreamReply) {
      response.writeHead(200, { 'content-type': body.contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', connection: 'keep-alive' });
      response.flushHeaders();
      body.open(response);
      return;
    }
    if (body instanceof Reply) {
      status = body.status;
      headers = body.headers;
      body = body.body;
    }
  } catch (error) {
    if (error instanceof ServerError) {
      status = error.status;
      body = { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
      if (error.status === 429 && error.retryAfterS !== undefined) headers = { 'retry-after': String(error.retryAfterS) };
    } else if (isDatabaseDown(error)) {
      status = 503;
      body = { error: { code: 'DATABASE_UNAVAILABLE', message: 'the store database cannot be reached just now; try again shortly' } };
    } else {
      status = 500;
      ctx.log(`internal error on ${request.method} ${(request.url ?? '').split('?')[0]}: ${error instanceof Error ? error.message : String(error)}`);
      body = { error: { code: 'INTERNAL', message: 'the store server failed on this request; its log says why' } };
    }
    // A refused upload may still be arriving: read it off so the answer is seen.
    request.resume();
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  response.end(text);
}
