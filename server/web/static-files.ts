import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

/**
 * The store screen's files (the `dist/store` build of renderer/store), served at `/` with a
 * strict CSP: no inline script or style, nothing from elsewhere, never framed. A path that
 * leaves the folder, or a file that is not there, is a 404.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function storeScreenDir(): string | null {
  // dist/server/web → dist/store; server/web (run from source) → dist/store.
  for (const candidate of [path.join(__dirname, '..', '..', 'store'), path.join(__dirname, '..', '..', 'dist', 'store')]) {
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

/** Serves the file for `pathname`; false when there is none (the caller answers 404). */
export function serveStoreScreen(dir: string, pathname: string, response: ServerResponse): boolean {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return false;
  }
  const file = path.resolve(dir, `.${relative}`);
  if (!file.startsWith(`${dir}${path.sep}`)) return false;
  const type = TYPES[path.extname(file)];
  if (type === undefined) return false;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return false;
  }
  const cache = relative.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  response.writeHead(200, { ...HEADERS, 'content-type': type, 'content-length': bytes.length, 'cache-control': cache });
  response.end(bytes);
  return true;
}
