import fs from 'node:fs';
import path from 'node:path';
import { contentTypeOf } from '../serve/content-types';
import { staticPathSegments } from '../serve/static-path';
import { isAppUrl } from './app-origin';
import { CONTENT_SECURITY_POLICY, CSP_HEADER } from './content-security-policy';

/**
 * The `app://till/…` handler for `protocol.handle`: the renderer build, read-only, with the
 * CSP on every answer (errors included). Paths are checked like the web host's (no `..`,
 * encoded or not, no dotfiles) and symlinks must land inside the build.
 */

export type AppProtocolHandler = (request: Request) => Promise<Response>;

const BASE_HEADERS: Readonly<Record<string, string>> = {
  [CSP_HEADER]: CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
};

function answer(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

export function createAppProtocolHandler(options: { root: string }): AppProtocolHandler {
  const { root } = options;

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'method not allowed');
    if (!isAppUrl(request.url)) return answer(404, 'not found');
    const segments = staticPathSegments(new URL(request.url).pathname);
    if (segments === null) return answer(404, 'not found');
    try {
      const realRoot = await fs.promises.realpath(root);
      const real = await fs.promises.realpath(path.join(realRoot, ...segments));
      if (!real.startsWith(realRoot + path.sep)) return answer(404, 'not found');
      const stat = await fs.promises.stat(real);
      if (!stat.isFile()) return answer(404, 'not found');
      const body = request.method === 'HEAD' ? null : await fs.promises.readFile(real);
      const type = contentTypeOf(real);
      return new Response(body, {
        status: 200,
        headers: {
          ...BASE_HEADERS,
          'Content-Type': type,
          'Content-Length': String(stat.size),
          // index.html names the hashed assets of one build: a cached copy would load an older build.
          'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
        },
      });
    } catch {
      return answer(404, 'not found');
    }
  };
}
