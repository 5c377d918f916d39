import assert from 'node:assert/strict';
import { test } from 'node:test';
import { staticPathSegments } from '../../main/serve/static-path';

test('/ is the app; plain paths become segments; the query is not part of the path', () => {
  assert.deepEqual(staticPathSegments('/'), ['index.html']);
  assert.deepEqual(staticPathSegments('/?x=1'), ['index.html']);
  assert.deepEqual(staticPathSegments('/assets/index-AbC1.js?v=2'), ['assets', 'index-AbC1.js']);
  assert.deepEqual(staticPathSegments('/fonts/Noto%20Sans.woff2'), ['fonts', 'Noto Sans.woff2']);
});

test('anything that could climb out of the build is refused', () => {
  for (const url of [
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/%2e%2e/etc/passwd',
    '/%2E%2E%2Fetc%2Fpasswd',
    '/assets/..%2f..%2fetc',
    '/assets%5c..%5cindex.html',
    '/a\\..\\b',
    '/index.html%00.js',
    '//etc/passwd',
    '/assets//x.js',
    'http://evil/x',
    '*',
    '',
  ]) {
    assert.equal(staticPathSegments(url), null, url);
  }
});

test('dotfiles and dot-directories are never served', () => {
  for (const url of ['/.env', '/.git/config', '/assets/.hidden.js', '/%2egit/HEAD', '/./index.html']) assert.equal(staticPathSegments(url), null, url);
});

test('broken percent-encoding is refused, not thrown', () => {
  assert.equal(staticPathSegments('/%E0%A4%A'), null);
  assert.equal(staticPathSegments('/%zz'), null);
});
