// The app:// handler serves a real renderer build from a temporary directory: files inside
// it with the CSP, nothing outside it however the path is spelled.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAppProtocolHandler, type AppProtocolHandler } from '../../main/electron/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../main/electron/content-security-policy';

let dir: string;
let handler: AppProtocolHandler;
const INDEX = '<!doctype html><script type="module" src="./assets/index-abc.js"></script>';
const SECRET = 'secret outside the build';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-app-protocol-'));
  const build = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(build, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(build, 'index.html'), INDEX);
  fs.writeFileSync(path.join(build, 'assets', 'index-abc.js'), 'console.log("till")');
  fs.writeFileSync(path.join(build, '.env'), SECRET);
  fs.writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(build, 'assets', 'link.txt'));
  handler = createAppProtocolHandler({ root: build });
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

function get(url: string, method = 'GET'): Promise<Response> {
  return handler(new Request(url, { method }));
}

describe('app:// protocol handler', () => {
  test('serves index.html for / and by name, with the CSP and no caching', async () => {
    for (const url of ['app://till/', 'app://till/index.html', 'app://till/index.html?x=1']) {
      const response = await get(url);
      assert.equal(response.status, 200, url);
      assert.equal(await response.text(), INDEX);
      assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
  });

  test('serves assets with their content type', async () => {
    const response = await get('app://till/assets/index-abc.js');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await response.text(), 'console.log("till")');
  });

  test('HEAD answers without a body', async () => {
    const response = await get('app://till/index.html', 'HEAD');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(INDEX)));
    assert.equal(await response.text(), '');
  });

  test('refuses traversal however it is spelled, dotfiles and symlinks out of the build, with the CSP', async () => {
    for (const url of [
      'app://till/../secret.txt',
      'app://till/assets/../../secret.txt',
      'app://till/%2e%2e/secret.txt',
      'app://till/..%2fsecret.txt',
      'app://till/assets%2f..%2f..%2fsecret.txt',
      'app://till/..%5csecret.txt',
      'app://till/.env',
      'app://till/assets/link.txt',
      'app://till/assets',
      'app://till/missing.js',
      'app://till/index.html%00.js',
    ]) {
      const response = await get(url);
      const body = await response.text();
      assert.equal(response.status, 404, url);
      assert.doesNotMatch(body, new RegExp(SECRET), url);
      assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, url);
    }
  });

  test('answers only for the till host and only to reads', async () => {
    assert.equal((await get('app://other/index.html')).status, 404);
    const post = await get('app://till/index.html', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  });
});
