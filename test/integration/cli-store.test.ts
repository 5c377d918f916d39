// The store server from the command line (issue 13): `till server start | enrol |
// terminals | report` and `till store join | sync | status | leave`, as real processes on
// real data directories, the credential in the real keychain. The report equals the
// till's own reconciliation; the credential is never printed nor written to a file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertErrorDoc, ensureBuilt, expectJson, insideKeyringSession, removeTempDirs, spawnTill, startSandboxProcess, tempDir, till, transcript, type RunningTill, type SandboxProcess } from '../support/cli-runner';

if (insideKeyringSession(__filename, 'the store server from the command line')) {
  describe('till server and till store', { timeout: 180_000 }, () => {
    let dataDir: string;
    let serverDir: string;
    let server: RunningTill;
    let url: string;
    let sandbox: SandboxProcess;
    const run = (...args: string[]) => till(args, { dataDir, timeoutMs: 60_000 });
    const admin = (...args: string[]) => till([...args, '--dir', serverDir], { timeoutMs: 60_000 });

    before(async () => {
      ensureBuilt();
      dataDir = tempDir();
      serverDir = tempDir('till-server-');
      server = spawnTill(['server', 'start', '--listen', '127.0.0.1:0', '--dir', serverDir], { timeoutMs: 170_000 });
      url = (await server.waitForOutput(/listening on (http:\/\/\S+)/, 60_000))[1]!;
      sandbox = await startSandboxProcess(dataDir);
      expectJson(await run('--json', 'config', 'set', 'gateway.baseUrl', sandbox.url), 0);
    });
    after(async () => {
      await sandbox?.stop();
      server?.child.kill('SIGTERM');
      await server?.done;
      removeTempDirs();
    });

    test('enrol, join, sell, sync: the server\'s report equals `till reconcile`; doctor and status say what is not yet sent', async () => {
      const enrolled = expectJson(await admin('--json', 'server', 'enrol', '--store', 'CORNER-1', '--name', 'Till 1'), 0);
      const code = enrolled.code as string;
      const joined = expectJson(await run('--json', 'store', 'join', url, code), 0);
      assert.equal(joined.name, 'Till 1');
      const again = await run('--json', 'store', 'join', url, code);
      assertErrorDoc(expectJson(again, 1), 'STORE_ALREADY_JOINED');

      for (const amount of ['2.39', '10.00']) expectJson(await run('--json', 'precreate', '--amount', amount, '--title', 'Coffee', '--no-wait'), 0);
      const status = await run('store', 'status');
      assert.match(status.stdout, /store: Till 1 at http:\/\/127\.0\.0\.1:\d+: \d+ changes? not yet sent, nothing sent yet/);
      const doctor = await run('doctor');
      assert.match(doctor.stdout, /warn\s+store\s+Till 1 at .*not yet sent/);

      const synced = expectJson(await run('--json', 'store', 'sync', '--wait'), 0);
      assert.equal(synced.backlog, 0);
      assert.ok((synced.sent as number) > 2);
      assert.match((await run('store', 'status')).stdout, /all changes sent, last sent \d\d:\d\d/);

      const own = expectJson(await run('--json', 'reconcile'), 0).report as { day: string; orderCount: number; currencies: Array<Record<string, { count: number; amountMinor: number }>> };
      const store = expectJson(await admin('--json', 'server', 'report', '--store', 'CORNER-1', '--date', own.day), 0).report as {
        terminals: Array<{ orderCount: number; stale: string | null }>;
        currencies: Array<{ currency: string; unresolved: { count: number; amountMinor: string } }>;
      };
      assert.equal(store.terminals[0]!.orderCount, own.orderCount);
      assert.equal(store.terminals[0]!.stale, null);
      const usd = own.currencies.find((c) => (c as unknown as { currency: string }).currency === 'USD')!;
      assert.deepEqual(store.currencies.find((c) => c.currency === 'USD')!.unresolved, { count: usd.unresolved!.count, amountMinor: String(usd.unresolved!.amountMinor) });

      const csv = path.join(tempDir(), 'store.csv');
      await admin('server', 'report', '--store', 'CORNER-1', '--date', own.day, '--csv', csv);
      assert.match(fs.readFileSync(csv, 'utf8'), /^terminal,currency,paid_count/);
      const terminals = await admin('server', 'terminals');
      assert.match(terminals.stdout, /trm_[0-9a-f]{12}\s+CORNER-1\s+Till 1 .*last synced/);
    });

    test('a revoked terminal is refused by name and keeps its backlog; leaving stops sending', async () => {
      const list = expectJson(await admin('--json', 'server', 'terminals'), 0).terminals as Array<{ id: string }>;
      expectJson(await admin('--json', 'server', 'terminals', '--revoke', list[0]!.id), 0);
      expectJson(await run('--json', 'precreate', '--amount', '1.00', '--title', 'Tea', '--no-wait'), 0);
      const refused = expectJson(await run('--json', 'store', 'sync'), 1);
      assert.match(refused.error as string, /TOKEN_REVOKED/);
      assert.ok((refused.backlog as number) > 0);
      const alarms = await run('doctor');
      assert.match(alarms.stdout, /STORE_SYNC TOKEN_REVOKED/);
      expectJson(await run('--json', 'store', 'leave'), 0);
      assert.match((await run('store', 'status')).stdout, /store: not joined/);
      const unknown = await admin('--json', 'server', 'enrol', '--store', 'bad store');
      assertErrorDoc(expectJson(unknown, 1), 'STORE_INVALID', 'store');
    });

    test('the first owner is made from the shell, the password typed (here piped), never an argument; they can sign in', async () => {
      const made = await till(['--json', 'server', 'user', 'add', 'olive', '--role', 'owner', '--dir', serverDir], { input: 'correct horse battery\n', timeoutMs: 60_000 });
      assert.equal(expectJson(made, 0).ok, true);
      const weak = await till(['--json', 'server', 'user', 'add', 'tom', '--role', 'owner', '--dir', serverDir], { input: 'short\n', timeoutMs: 60_000 });
      assertErrorDoc(expectJson(weak, 1), 'PASSWORD_WEAK', 'password');
      const signed = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-till-csrf': '1' }, body: JSON.stringify({ name: 'olive', password: 'correct horse battery' }) });
      assert.equal(signed.status, 200);
      const listed = await till(['server', 'user', 'list', '--dir', serverDir]);
      assert.match(listed.stdout, /^olive\s+owner$/m);
    });

    test('the credential never appears in output or in any file of the data directory', async () => {
      const everything = transcript.map((t) => t.text).join('\n');
      const tokens = everything.match(/tst_[A-Za-z0-9_-]{20,}/g) ?? [];
      assert.deepEqual(tokens, []);
      const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      for (const file of walk(dataDir)) assert.ok(!/tst_[A-Za-z0-9_-]{20,}/.test(fs.readFileSync(file).toString('latin1')), file);
    });
  });
}
