import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { ServerError } from './server-error';

/**
 * How `till server enrol | terminals | report` reach the running server: its admin socket
 * in the server's data directory. Whoever can open that socket (the server's user) may
 * administer; nobody else can reach it.
 */
export async function adminCall<T>(dataDir: string, method: 'GET' | 'POST', pathAndQuery: string, body?: unknown): Promise<T> {
  const socketPath = path.join(dataDir, 'admin.sock');
  if (!fs.existsSync(socketPath)) {
    throw new ServerError(503, 'SERVER_NOT_RUNNING', `no store server is running with data directory ${dataDir} (start it with \`till server start\`)`);
  }
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    const request = http.request(
      { socketPath, method, path: pathAndQuery, headers: text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }, timeout: 30_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            reject(new ServerError(502, 'ADMIN_REPLY_INVALID', 'the store server answered with something that is not JSON'));
            return;
          }
          const error = (parsed as { error?: { code: string; message: string; field?: string } }).error;
          if ((response.statusCode ?? 500) >= 400 && error) reject(new ServerError(response.statusCode ?? 500, error.code, error.message, error.field));
          else resolve(parsed as T);
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('the store server did not answer within 30 s')));
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') reject(new ServerError(503, 'SERVER_NOT_RUNNING', `no store server is running with data directory ${dataDir} (start it with \`till server start\`)`));
      else reject(error);
    });
    request.end(text);
  });
}
