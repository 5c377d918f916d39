// scripts/start-app.sh after its preparation pass (TILL_START_PREPARED=1): Electron where its
// binary is installed, else one line and the web host; arguments passed on, --web honoured.
// The Electron binary is a stand-in script (ELECTRON_OVERRIDE_DIST_PATH, as the electron
// package itself reads it) and `node dist/main/web/start-web.js` is caught by a shim on PATH,
// so neither host really starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WEB_HOST_NODE_FLAGS } from '../../main/runtime/host-node-flags';

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'start-app.sh');
const NOT_INSTALLED = /Electron's binary is not installed here/;

let dir: string;
let withElectron: string;
let withoutElectron: string;
let shimBin: string;

function writeScript(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o755 });
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-start-app-'));
  withElectron = path.join(dir, 'electron-dist');
  withoutElectron = path.join(dir, 'empty-dist');
  shimBin = path.join(dir, 'bin');
  for (const d of [withElectron, withoutElectron, shimBin]) fs.mkdirSync(d);
  writeScript(path.join(withElectron, 'electron'), `#!/bin/sh\nprintf '%s\\n' electron "$@" > "${dir}/ran"\n`);
  writeScript(
    path.join(shimBin, 'node'),
    `#!/bin/sh\nfor a in "$@"; do if [ "$a" = "${root}/dist/main/web/start-web.js" ]; then printf '%s\\n' web "$@" > "${dir}/ran"; exit 0; fi; done\nexec "${process.execPath}" "$@"\n`,
  );
  // The uid the script sees: tests run as root on CI, the till as a kiosk user.
  writeScript(path.join(shimBin, 'id'), `#!/bin/sh\nif [ "$1" = "-u" ]; then echo "\${FAKE_UID:-1000}"; exit 0; fi\nexec /usr/bin/id "$@"\n`);
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

function start(args: string[], electronDist: string, uid = '1000'): { ran: string[]; stderr: string; status: number | null } {
  fs.rmSync(path.join(dir, 'ran'), { force: true });
  const result = spawnSync('bash', [script, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      ...process.env,
      PATH: `${shimBin}:${process.env['PATH'] ?? ''}`,
      TILL_START_PREPARED: '1',
      TILL_DATA_DIR: path.join(dir, 'data'),
      ELECTRON_OVERRIDE_DIST_PATH: electronDist,
      FAKE_UID: uid,
    },
  });
  const ranFile = path.join(dir, 'ran');
  const ran = fs.existsSync(ranFile) ? fs.readFileSync(ranFile, 'utf8').trimEnd().split('\n') : [];
  return { ran, stderr: result.stderr, status: result.status };
}

describe('scripts/start-app.sh', () => {
  test('runs Electron on the repo when its binary is installed, with the arguments', () => {
    const { ran, stderr, status } = start(['--data-dir', '/srv/till'], withElectron);
    assert.equal(status, 0, stderr);
    assert.deepEqual(ran, ['electron', root, '--data-dir', '/srv/till']);
    assert.doesNotMatch(stderr, NOT_INSTALLED);
  });

  test('as root (Electron would need its sandbox off): says so in one line and starts the web host', () => {
    const { ran, stderr, status } = start(['--no-browser'], withElectron, '0');
    assert.equal(status, 0, stderr);
    assert.deepEqual(ran, ['web', ...WEB_HOST_NODE_FLAGS, path.join(root, 'dist/main/web/start-web.js'), '--no-browser']);
    assert.equal(stderr.split('\n').filter((line) => /does not run as root/.test(line)).length, 1);
  });

  test('without the binary says so in one line and starts the web host with the arguments', () => {
    const { ran, stderr, status } = start(['--port', '8800', '--no-browser'], withoutElectron);
    assert.equal(status, 0, stderr);
    assert.deepEqual(ran, ['web', ...WEB_HOST_NODE_FLAGS, path.join(root, 'dist/main/web/start-web.js'), '--port', '8800', '--no-browser']);
    assert.equal(stderr.split('\n').filter((line) => NOT_INSTALLED.test(line)).length, 1);
  });

  test('--web starts the web host even where Electron is installed, and is not passed on', () => {
    const { ran, stderr, status } = start(['--web', '--customer-window'], withElectron);
    assert.equal(status, 0, stderr);
    assert.deepEqual(ran, ['web', ...WEB_HOST_NODE_FLAGS, path.join(root, 'dist/main/web/start-web.js'), '--customer-window']);
    assert.doesNotMatch(stderr, NOT_INSTALLED, 'nothing to explain when the web host was asked for');
  });
});
