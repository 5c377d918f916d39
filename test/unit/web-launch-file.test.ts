// Issue 11 §3: the screen's token never goes on Chromium's command line. Chromium is given
// a launch page in the data directory, readable by the till's user only, that sends the
// window on; --url-file writes the addresses for a program, 0600 and created afresh.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromiumArgs } from '../../main/web/chromium';
import { launchPage, removeLaunchFiles, writeLaunchFile, writeUrlFile } from '../../main/web/launch-file';
import { parseStartWebArgs } from '../../main/web/start-web-args';

const TOKEN_URL = 'http://127.0.0.1:4567/#/customer?token=AbC-_123xyzAbC-_123xyzAbC-_123xyzAbC-_12345';

describe('launch pages', () => {
  test('the page refreshes at once to the screen, attribute-escaped, with no referrer', () => {
    const page = launchPage(TOKEN_URL);
    assert.ok(page.includes(`<meta http-equiv="refresh" content="0;url=${TOKEN_URL}">`));
    assert.ok(page.includes('<meta name="referrer" content="no-referrer">'));
    assert.ok(launchPage('http://x/"><script>').includes('url=http://x/&quot;&gt;&lt;script&gt;"'));
  });

  test('written 0600 in a 0700 folder, replacing whatever was there (never through a link); Chromium\'s argv has no token', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'till-launch-'));
    try {
      const dir = path.join(base, 'launch');
      fs.mkdirSync(dir, { mode: 0o755 });
      const victim = path.join(base, 'victim.txt');
      fs.writeFileSync(victim, 'keep');
      fs.symlinkSync(victim, path.join(dir, 'till.html'));
      const href = writeLaunchFile(dir, 'till', TOKEN_URL);
      const file = fileURLToPath(href);
      assert.equal(file, path.join(dir, 'till.html'));
      assert.equal(fs.lstatSync(file).isSymbolicLink(), false);
      assert.equal(fs.readFileSync(victim, 'utf8'), 'keep', 'a planted link is replaced, not written through');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
      assert.ok(fs.readFileSync(file, 'utf8').includes(TOKEN_URL));
      const args = chromiumArgs({ url: href, userDataDir: path.join(base, 'profile'), kiosk: true, asRoot: false });
      assert.ok(args.includes(`--app=${href}`));
      assert.doesNotMatch(args.join(' '), /token=/);
      removeLaunchFiles(dir);
      assert.equal(fs.existsSync(dir), false);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  test('--url-file: parsed, and written 0600 with every screen', () => {
    assert.equal(parseStartWebArgs(['--url-file', '/run/till/urls.json']).urlFile, '/run/till/urls.json');
    assert.equal(parseStartWebArgs([]).urlFile, undefined);
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'till-urlfile-'));
    try {
      const file = path.join(base, 'urls.json');
      fs.writeFileSync(file, 'old', { mode: 0o644 });
      writeUrlFile(file, { till: TOKEN_URL });
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'created afresh, so an old 0644 file does not keep its mode');
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { till: TOKEN_URL });
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
