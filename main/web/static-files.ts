import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { contentTypeOf } from '../serve/content-types';
import type { OwnHost } from './own-host';
import { securityHeaders } from './security-headers';
import { staticPathSegments } from '../serve/static-path';

/**
 * Serves the renderer build read-only: GET and HEAD, files only, nothing outside the build
 * directory (symlinks are followed and must land inside it). The app is a single page with
 * hash routes, so there is no fallback: an unknown path is a 404.
 */

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** dist/main/web → dist/renderer; under tsx (main/web/*.ts) the build is still dist/renderer. */
export function defaultStaticDir(): string {
  const compiled = path.extname(__filename) === '.js';
  return compiled ? path.resolve(__dirname, '..', '..', 'renderer') : path.resolve(__dirname, '..', '..', 'dist', 'renderer');
}

export function createStaticHandler(options: { root: string; host: OwnHost }): RequestHandler {
  const { root, host } = options;
  const baseHeaders = securityHeaders(host);

  const answer = (res: http.ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void => {
    const body = `${text}\n`;
    res.writeHead(status, {
      ...baseHeaders,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': 'no-store',
      ...extra,
    });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  return (req, res) => {
    if (!host.isOwnHostHeader(req.headers.host)) return answer(res, 403, 'unknown host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const segments = staticPathSegments(req.url ?? '');
    if (segments === null) return answer(res, 404, 'not found');
    serveFile(root, segments, req.method === 'HEAD', res).catch(() => {
      if (!res.headersSent) answer(res, 404, 'not found');
      else res.destroy();
    });
  };

  async function serveFile(rootDir: string, segments: string[], headOnly: boolean, res: http.ServerResponse): Promise<void> {
    const realRoot = await fs.promises.realpath(rootDir);
    const real = await fs.promises.realpath(path.join(realRoot, ...segments));
    if (!real.startsWith(realRoot + path.sep)) throw new Error('outside the build');
    const file = await fs.promises.open(real, 'r');
    try {
      const stat = await file.stat();
      if (!stat.isFile()) throw new Error('not a file');
      const type = contentTypeOf(real);
      res.writeHead(200, {
        ...baseHeaders,
        'Content-Type': type,
        'Content-Length': String(stat.size),
        // index.html names the hashed assets of one build: a cached copy would load an older build.
        'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
      });
      if (headOnly) {
        res.end();
        return;
      }
      await new Promise<void>((resolve, reject) => {
        const stream = file.createReadStream({ autoClose: false });
        stream.on('error', reject);
        res.on('close', resolve);
        stream.pipe(res);
      });
    } finally {
      await file.close();
    }
  }
}
