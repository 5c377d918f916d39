// `alipay-till till …` (issue 15 §1): which argv the packaged app answers as the till
// command, and the Linux wrapper that calls it, run as a real shell script against a stand-in app.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { tillCommandArgs } from '../../main/electron/till-command';

const ROOT = path.resolve(__dirname, '..', '..');

test('packaged: argv[1] "till" starts the command with the rest; anything else is the app', () => {
  assert.deepEqual(tillCommandArgs(['/opt/Alipay Till/alipay-till', 'till', 'doctor', '--json'], true), ['doctor', '--json']);
  assert.deepEqual(tillCommandArgs(['/opt/Alipay Till/alipay-till', 'till'], true), []);
  assert.deepEqual(tillCommandArgs(['/opt/Alipay Till/alipay-till', '--ozone-platform=headless', 'till', 'precreate', '--amount', '1'], true), ['precreate', '--amount', '1']);
  assert.equal(tillCommandArgs(['/opt/Alipay Till/alipay-till'], true), null);
  assert.equal(tillCommandArgs(['/opt/Alipay Till/alipay-till', '--data-dir', '/x'], true), null);
  assert.equal(tillCommandArgs(['/opt/Alipay Till/alipay-till', '--no-sandbox', 'till', 'doctor'], true), null, 'only the wrapper\'s own switch may come first');
  assert.equal(tillCommandArgs(['/opt/Alipay Till/alipay-till', 'tills'], true), null);
});

test('unpackaged (`electron . till …`): the app path is skipped', () => {
  assert.deepEqual(tillCommandArgs(['/usr/lib/electron/electron', '.', 'till', 'orders'], false), ['orders']);
  assert.equal(tillCommandArgs(['/usr/lib/electron/electron', '.'], false), null);
});

test('the Linux wrapper hands every argument on unchanged, after the headless switch and "till"', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-wrapper-'));
  const app = path.join(dir, 'alipay-till');
  fs.writeFileSync(app, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', { mode: 0o755 });
  const run = spawnSync('sh', [path.join(ROOT, 'packaging/linux/till'), 'precreate', '--title', 'Two words', '--amount', '2.39'], { encoding: 'utf8', env: { ...process.env, ALIPAY_TILL_APP: app } });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split('\n'), ['--ozone-platform=headless', 'till', 'precreate', '--title', 'Two words', '--amount', '2.39']);
  for (const script of ['packaging/linux/till', 'packaging/linux/after-install.sh', 'packaging/linux/after-remove.sh']) {
    assert.equal(spawnSync('sh', ['-n', path.join(ROOT, script)]).status, 0, `${script} parses`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
