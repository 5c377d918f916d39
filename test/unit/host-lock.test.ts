import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { isTillError } from '../../main/errors';
import { claimTillHost, HOST_LOCK_FILE, tillHostHolder } from '../../main/runtime/host-lock';
import { tryLockFile } from '../../native/sqlite';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'till-host-lock-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => fs.mkdtempSync(path.join(root, `case-${++counter}-`));

test('a held lock is refused to a second holder in this process until it is released; nothing is written to it', () => {
  const file = path.join(freshDir(), 'x.lock');
  const first = tryLockFile(file);
  assert.ok(first);
  assert.equal(tryLockFile(file), undefined);
  first.release();
  first.release();
  const again = tryLockFile(file);
  assert.ok(again, 'free once released');
  again.release();
  assert.equal(fs.statSync(file).size, 0);
});

/** A second process that takes the lock and holds it until killed, or for `releaseAfterMs`. */
async function holdInChild(file: string, releaseAfterMs?: number): Promise<ChildProcess> {
  const then = releaseAfterMs === undefined ? 'setInterval(() => {}, 1000)' : `setTimeout(() => l.release(), ${releaseAfterMs})`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '-e', `const l = require(${JSON.stringify(path.resolve(__dirname, '../../native/sqlite'))}).tryLockFile(${JSON.stringify(file)}); console.log(l ? 'held' : 'refused'); ${then};`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (text.includes('held') ? resolve() : reject(new Error(text))));
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  return child;
}

const closed = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('close', resolve)));

test('another process holding the lock refuses it here; when that process is SIGKILLed the lock is free', async () => {
  const dir = freshDir();
  const holder = await holdInChild(path.join(dir, HOST_LOCK_FILE));
  try {
    assert.throws(
      () => claimTillHost(dir, 'Electron app'),
      (error: unknown) => isTillError(error, 'TILL_ALREADY_RUNNING') && /^another till app is already running the till on /.test(error.message),
    );
  } finally {
    holder.kill('SIGKILL');
  }
  await closed(holder);
  claimTillHost(dir, 'Electron app')();
});

test('a claim waits out a momentary holder (`till doctor` looking) instead of refusing', async () => {
  const dir = freshDir();
  // Held for 300 ms of the claim's 500: room for this process to be late in starting the
  // claim (a busy machine) while the holder still holds it, and for the holder to be late.
  const peek = await holdInChild(path.join(dir, HOST_LOCK_FILE), 300);
  const started = Date.now();
  const release = claimTillHost(dir, 'web host');
  assert.ok(Date.now() - started >= 50, 'it did wait for the holder');
  release();
  await closed(peek);
});

test('claimTillHost names the holder to the second claimant, and frees the directory on release', () => {
  const dir = freshDir();
  assert.equal(tillHostHolder(dir), null);
  const release = claimTillHost(dir, 'web host', () => new Date('2026-11-26T09:30:00.000Z'));
  assert.equal(tillHostHolder(dir), `the web host (pid ${process.pid}, since 2026-11-26T09:30:00.000Z)`);
  assert.throws(
    () => claimTillHost(dir, 'Electron app'),
    (error: unknown) =>
      isTillError(error, 'TILL_ALREADY_RUNNING') &&
      error.message === `the web host (pid ${process.pid}, since 2026-11-26T09:30:00.000Z) is already running the till on ${dir}; one till app per data directory: use that one, or stop it first`,
  );
  release();
  assert.equal(tillHostHolder(dir), null, 'asking did not take the lock');
  claimTillHost(dir, 'Electron app')();
});

test('a data directory where the lock file cannot be created: DATA_DIR_UNWRITABLE naming the file, nothing claimed', () => {
  const blocker = path.join(freshDir(), 'a-file');
  fs.writeFileSync(blocker, 'not a directory');
  const dir = path.join(blocker, 'data');
  assert.throws(() => claimTillHost(dir, 'web host'), (error: unknown) => isTillError(error, 'DATA_DIR_UNWRITABLE') && error.message.includes(path.join(dir, HOST_LOCK_FILE)));
  assert.equal(fs.readFileSync(blocker, 'utf8'), 'not a directory');
});
