// `till backup` and `till restore` as real processes (issue 15 §4): a backup taken while
// `till precreate` runs in a loop in other processes, restored into a new data directory
// with every order it holds intact; a restore refused while the till app holds the data
// directory; close-day's daily copy.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { claimTillHost } from '../../main/runtime/host-lock';
import { assertErrorDoc, ensureBuilt, expectJson, insideKeyringSession, removeTempDirs, startSandboxProcess, tempDir, till, type SandboxProcess } from '../support/cli-runner';

type Doc = Record<string, unknown>;

if (insideKeyringSession(__filename, 'till backup and restore')) {
  describe('till backup and till restore', { timeout: 180_000 }, () => {
    let dataDir: string;
    let sandbox: SandboxProcess;
    const run = (...args: string[]) => till(args, { dataDir, timeoutMs: 60_000 });

    before(async () => {
      ensureBuilt();
      dataDir = tempDir();
      sandbox = await startSandboxProcess(dataDir);
      expectJson(await run('--json', 'config', 'set', 'gateway.baseUrl', sandbox.url), 0);
    });
    after(async () => {
      await sandbox?.stop();
      removeTempDirs();
    });

    test('a backup while precreate runs in a loop, restored elsewhere: every order it holds is intact', async () => {
      let selling = true;
      let sold = 0;
      const loop = (async () => {
        while (selling) {
          expectJson(await run('--json', 'precreate', '--amount', `1.${String(sold % 100).padStart(2, '0')}`, '--title', 'Loop', '--no-wait'), 0);
          sold += 1;
        }
      })();
      while (sold < 3) await new Promise((r) => setTimeout(r, 100));
      const file = path.join(tempDir(), 'journal-backup.sqlite');
      const backup = expectJson(await run('--json', 'backup', file), 0).backup as { integrity: string; counts: { orders: number } };
      while (sold < 6) await new Promise((r) => setTimeout(r, 100));
      selling = false;
      await loop;
      assert.equal(backup.integrity, 'ok');
      assert.ok(backup.counts.orders >= 3 && backup.counts.orders <= sold, `${backup.counts.orders} orders in the backup, ${sold} sold`);
      assertErrorDoc(expectJson(await run('--json', 'backup', file), 1), 'BACKUP_EXISTS');

      const elsewhere = tempDir();
      const restored = expectJson(await till(['--json', 'restore', file], { dataDir: elsewhere }), 0);
      assert.equal(restored.keptAs, null);
      const listed = (dir: string) => till(['--json', 'orders', '--limit', '1000'], { dataDir: dir }).then((r) => expectJson(r, 0).orders as Doc[]);
      const original = new Map((await listed(dataDir)).map((o) => [o.merchantTransId, o]));
      const copy = await listed(elsewhere);
      assert.equal(copy.length, backup.counts.orders);
      assert.ok(copy.every((o) => o.amount && o.createdAt), 'orders carry amount and createdAt');
      for (const o of copy) assert.deepEqual([o.amount, o.createdAt], [original.get(o.merchantTransId)!.amount, original.get(o.merchantTransId)!.createdAt], String(o.merchantTransId));
    });

    test('a restore while the till app holds the data directory is refused, and nothing is replaced', async () => {
      const file = path.join(tempDir(), 'another.sqlite');
      expectJson(await run('--json', 'backup', file), 0);
      const journal = path.join(dataDir, 'till.sqlite');
      const before = fs.statSync(journal).ino;
      const release = claimTillHost(dataDir, 'the test, as the till app');
      try {
        assertErrorDoc(expectJson(await run('--json', 'restore', file), 1), 'TILL_ALREADY_RUNNING');
      } finally {
        release();
      }
      assert.equal(fs.statSync(journal).ino, before);
      const done = expectJson(await run('--json', 'restore', file), 0);
      assert.match(done.keptAs as string, /till\.sqlite\.before-restore-/);
      assert.ok(fs.existsSync(done.keptAs as string));
    });
  });
}
