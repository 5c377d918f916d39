import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Reading and answering HTTP for the sandbox. Bodies are bytes, never strings: the gateway
 * must see invalid UTF-8 as it arrived to refuse it, and the signature covers bytes.
 */

export type BodyRead = { kind: 'ok'; bytes: Buffer } | { kind: 'too_large'; received: number } | { kind: 'aborted' };

/**
 * Past the limit the rest is read and dropped (up to 16x the limit) so the client can
 * finish sending and read the 413; answering mid-upload would reset its connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes * 16) {
      resolve({ kind: 'too_large', received: 0 });
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes) chunks.push(chunk);
      else if (received > maxBytes * 16) req.destroy();
    });
    req.on('end', () => resolve(received > maxBytes ? { kind: 'too_large', received } : { kind: 'ok', bytes: Buffer.concat(chunks) }));
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('close', () => resolve({ kind: 'aborted' }));
  });
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export function sendText(res: ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(text, 'utf8')),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON_TYPE, JSON.stringify(value), headers);
}

/** A non-gateway error: always JSON with a code and a sentence, never a stack. */
export function sendError(res: ServerResponse, status: number, error: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, message }, headers);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export function wantsJson(req: IncomingMessage): boolean {
  return /\bapplication\/json\b/.test(req.headers.accept ?? '');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
