// The web host's HTTP side over real loopback sockets: the renderer build served read-only,
// with its security headers on every answer, and nothing else reachable.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Router } from '../../main/ipc/router-types';
import { startWebHost, type WebHost } from '../../main/web/web-host';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The path goes out as written (no URL normalisation), so traversal attempts reach the server intact. */
function request(port: number, rawPath: string, options: { method?: string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: rawPath, method: options.method ?? 'GET', agent: false, headers: { host: options.host ?? `127.0.0.1:${port}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

function connectOutcome(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2_000 });
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

const UNUSED_ROUTER: Router = {
  connect: () => assert.fail('no page test opens a bridge'),
  statusChanged: () => {},
  close: () => {},
};

const INDEX = '<!doctype html><title>till</title><script type="module" src="./assets/app-1a2b.js"></script>';
const SECRET = 'outside-the-build-secret';

describe('web host: static files', () => {
  let dir: string;
  let root: string;
  let web: WebHost;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-web-static-'));
    root = path.join(dir, 'renderer');
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.mkdirSync(path.join(root, '.git'));
    fs.writeFileSync(path.join(root, 'index.html'), INDEX);
    fs.writeFileSync(path.join(root, 'assets', 'app-1a2b.js'), 'console.log("till");');
    fs.writeFileSync(path.join(root, 'assets', 'app-1a2b.css'), 'body{margin:0}');
    fs.writeFileSync(path.join(root, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    fs.writeFileSync(path.join(root, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
    fs.writeFileSync(path.join(root, 'assets', 'blob.xyz'), '<html><script>alert(1)</script>');
    fs.writeFileSync(path.join(root, '.env'), SECRET);
    fs.writeFileSync(path.join(root, '.git', 'config'), SECRET);
    fs.writeFileSync(path.join(dir, 'secret.txt'), SECRET);
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'leak.txt'));
    fs.symlinkSync(dir, path.join(root, 'up'));
    fs.symlinkSync(path.join(root, 'assets', 'app-1a2b.js'), path.join(root, 'alias.js'));
    web = await startWebHost({ router: UNUSED_ROUTER, staticDir: root, port: 0 });
  });

  after(async () => {
    await web?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('/ is index.html, with the strict CSP naming our own bridge, and never cached', async () => {
    const answer = await request(web.port, '/');
    assert.equal(answer.status, 200);
    assert.equal(answer.body, INDEX);
    assert.equal(answer.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(
      answer.headers['content-security-policy'],
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:${web.port}; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    assert.equal(answer.headers['referrer-policy'], 'no-referrer');
    assert.equal(answer.headers['cache-control'], 'no-store');
    assert.equal((await request(web.port, '/index.html')).body, INDEX);
  });

  test('assets by path with their content types', async () => {
    const expected: Array<[string, string]> = [
      ['/assets/app-1a2b.js', 'text/javascript; charset=utf-8'],
      ['/assets/app-1a2b.css', 'text/css; charset=utf-8'],
      ['/assets/logo.svg', 'image/svg+xml'],
      ['/assets/font.woff2', 'font/woff2'],
      ['/assets/blob.xyz', 'application/octet-stream'],
      ['/alias.js', 'text/javascript; charset=utf-8'],
    ];
    for (const [url, type] of expected) {
      const answer = await request(web.port, url);
      assert.equal(answer.status, 200, url);
      assert.equal(answer.headers['content-type'], type, url);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff', url);
      assert.ok(answer.headers['content-security-policy'], url);
    }
    assert.equal((await request(web.port, '/assets/app-1a2b.js?v=1')).body, 'console.log("till");');
  });

  test('HEAD answers the headers of GET without a body', async () => {
    const answer = await request(web.port, '/assets/app-1a2b.js', { method: 'HEAD' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-length'], String('console.log("till");'.length));
    assert.equal(answer.body, '');
  });

  test('traversal, symlinks out of the build, dotfiles and directories are 404, with the headers still on', async () => {
    for (const url of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/assets%5c..%5c..%5csecret.txt',
      '/assets/leak.txt',
      '/up/secret.txt',
      '/.env',
      '/.git/config',
      '/%2egit/config',
      '/assets',
      '/assets/',
      '/missing.js',
      '/index.html%00',
      '//secret.txt',
    ]) {
      const answer = await request(web.port, url);
      assert.equal(answer.status, 404, url);
      assert.ok(!answer.body.includes(SECRET), url);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff', url);
      assert.match(String(answer.headers['content-security-policy']), /default-src 'none'/, url);
    }
  });

  test('only GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const answer = await request(web.port, '/', { method });
      assert.equal(answer.status, 405, method);
      assert.equal(answer.headers['allow'], 'GET, HEAD', method);
      assert.ok(!answer.body.includes('<title>'), method);
    }
  });

  test('a Host that is not this host is refused (DNS rebinding); localhost:PORT is ours', async () => {
    for (const host of ['evil.example', `evil.example:${web.port}`, `127.0.0.1:${web.port + 1}`, '127.0.0.1', `127.0.0.1.evil.example:${web.port}`]) {
      const answer = await request(web.port, '/', { host });
      assert.equal(answer.status, 403, host);
      assert.ok(!answer.body.includes('<title>'), host);
    }
    assert.equal((await request(web.port, '/', { host: `localhost:${web.port}` })).status, 200);
    assert.match(await rawExchange(web.port, 'GET / HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 403 /, 'no Host at all');
  });

  test('garbage on the socket gets a 400 and the host keeps serving', async () => {
    assert.match(await rawExchange(web.port, 'NOT HTTP AT ALL\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.equal((await request(web.port, '/')).status, 200);
  });

  test('listens on 127.0.0.1 only', async () => {
    const server = await startWebHost({ router: UNUSED_ROUTER, staticDir: root, port: 0 });
    try {
      assert.equal(new URL(server.origin).hostname, '127.0.0.1');
      assert.equal(await connectOutcome('127.0.0.1', server.port), 'connected');
      assert.notEqual(await connectOutcome('::1', server.port), 'connected');
      const external = Object.values(os.networkInterfaces())
        .flat()
        .filter((info) => info !== undefined && !info.internal && info.family === 'IPv4')
        .map((info) => info!.address);
      for (const address of external) assert.notEqual(await connectOutcome(address, server.port), 'connected', address);
    } finally {
      await server.close();
    }
    await assert.rejects(startWebHost({ router: UNUSED_ROUTER, staticDir: root, host: '0.0.0.0' as '127.0.0.1' }), /127\.0\.0\.1 only/);
  });

  test('a busy port is an error, not a silent other port', async () => {
    await assert.rejects(startWebHost({ router: UNUSED_ROUTER, staticDir: root, port: web.port }), /EADDRINUSE/);
  });

  test('the URLs carry a fresh token in the fragment, in the forms the renderer parses', async () => {
    assert.match(web.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(web.origin, `http://127.0.0.1:${web.port}`);
    assert.equal(web.url, `${web.origin}/#token=${web.token}`);
    assert.equal(web.customerUrl, `${web.origin}/#/customer?token=${web.token}`);
    assert.equal(web.supervisorUrl, `${web.origin}/#/supervisor?token=${web.token}`);
    const other = await startWebHost({ router: UNUSED_ROUTER, staticDir: root });
    try {
      assert.notEqual(other.token, web.token);
    } finally {
      await other.close();
    }
  });
});
