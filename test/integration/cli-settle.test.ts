// `till resolve --settle ID --as cancelled|paid --reason TEXT` (issue 10 §2): a person at the
// terminal ends an order after checking with Alipay. Real processes, real SQLite, the real
// keychain (the file re-runs itself inside keyring-session.sh), `till sandbox` on its own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertErrorDoc, describeRun, ensureBuilt, expectJson, insideKeyringSession, removeTempDirs, startSandboxProcess, tempDir, till, type SandboxProcess } from '../support/cli-runner';

if (insideKeyringSession(__filename, 'till resolve --settle')) {
  describe('till resolve --settle', () => {
    let dataDir: string;
    let sandbox: SandboxProcess;
    const run = (...args: string[]) => till(args, { dataDir });

    before(async () => {
      ensureBuilt();
      dataDir = tempDir();
      sandbox = await startSandboxProcess(dataDir);
      expectJson(await run('config', 'set', 'gateway.baseUrl', sandbox.url, '--json'), 0);
    });
    after(async () => {
      await sandbox?.stop();
      removeTempDirs();
    });

    test('usage errors name what is missing; settling ends the order with who and why; a final order cannot be settled', async () => {
      const created = expectJson(await run('precreate', '--amount', '3.10', '--title', 'Stuck', '--no-wait', '--json'), 0);
      const id = created.merchantTransId as string;
      for (const [args, pattern] of [
        [['--as', 'cancelled'], /--reason is required/],
        [['--as', 'maybe', '--reason', 'x'], /--as must be cancelled or paid/],
        [['--reason', 'x'], /--as must be cancelled or paid/],
      ] as const) {
        const r = await run('resolve', '--settle', id, ...args);
        assert.equal(r.status, 2, describeRun(r));
        assert.match(r.stderr, pattern);
      }
      const stray = await run('resolve', '--reason', 'x');
      assert.equal(stray.status, 2, describeRun(stray));

      const doc = expectJson(await run('resolve', '--settle', id.slice(-6), '--as', 'cancelled', '--reason', 'Alipay support: never paid', '--json'), 0);
      assert.equal(doc.state, 'CANCELLED');
      assert.match(doc.settledBy as string, /^cli/);
      const shown = await run('order', id);
      assert.match(shown.stdout, /settled_by_hand/);
      assert.match(shown.stdout, /CANCELLED/);
      assertErrorDoc(expectJson(await run('resolve', '--settle', id, '--as', 'paid', '--reason', 'again', '--json'), 1), 'ORDER_FINAL', 'order');
    });
  });
}
