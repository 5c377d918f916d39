// The till's log (issue 15 §3) on real files: rotation by size keeps N files, oldest
// dropped, entries read back in order; secrets by field name and PEM blocks never reach
// the file; a burst of real sales (the engine against `till sandbox`, real keychain)
// writes one line per gateway exchange, rotates, and leaves no key material in any file
// of the data directory; `till logs` reads it back, --since filters.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openTillLog, readTillLog } from '../../main/config/till-log';
import { openTill } from '../../main/runtime/open-till';
import { assertDataDirFreeOf, ensureBuilt, expectJson, insideKeyringSession, removeTempDirs, startSandboxProcess, storedPrivateKeys, tempDir, till } from '../support/cli-runner';

if (insideKeyringSession(__filename, 'the till log')) {
  describe('the till log', { timeout: 120_000 }, () => {
    after(() => removeTempDirs());

    test('rotates by size, keeps N files, and reads back oldest first', () => {
      const dir = tempDir();
      const log = openTillLog(dir, { maxBytes: 2_000, keep: 3 });
      for (let i = 0; i < 300; i++) log.info('sale', { n: i });
      log.close();
      const files = fs.readdirSync(path.join(dir, 'logs')).sort();
      assert.deepEqual(files, ['till.log', 'till.log.1', 'till.log.2', 'till.log.3']);
      for (const f of files) assert.ok(fs.statSync(path.join(dir, 'logs', f)).size <= 2_000, f);
      const numbers = readTillLog(dir, { keep: 3 }).map((e) => e.n as number);
      assert.equal(numbers.at(-1), 299);
      assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'oldest first, none out of order');
      assert.ok(numbers.length < 300, 'the oldest were dropped');
    });

    test('secrets never reach the file: fields named like one, and PEM blocks in any text', () => {
      const dir = tempDir();
      const log = openTillLog(dir);
      const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
      log.warn(`something printed ${pem} here`, { privateKey: 'k-secret-1', token: 't-secret-2', nested: { password: 'p-secret-3', fine: 'shown' }, body: '{"order":"b-secret-4"}', note: `x ${pem}` });
      log.close();
      const text = fs.readFileSync(path.join(dir, 'logs', 'till.log'), 'utf8');
      for (const secret of ['k-secret-1', 't-secret-2', 'p-secret-3', 'b-secret-4', 'PRIVATE KEY', 'MIIEvQ']) assert.ok(!text.includes(secret), secret);
      assert.match(text, /"fine":"shown"/);
      assert.match(text, /\[PEM removed\]/);
    });

    test('a burst of real sales: a line per exchange, rotated, no key material anywhere in the data directory; till logs reads it', async () => {
      ensureBuilt();
      const dataDir = tempDir();
      assert.equal((await till(['keys', 'generate'], { dataDir })).status, 0);
      const sandbox = await startSandboxProcess(dataDir);
      try {
        expectJson(await till(['--json', 'config', 'set', 'gateway.baseUrl', sandbox.url], { dataDir }), 0);
        const log = openTillLog(dataDir, { maxBytes: 4_096, keep: 3 });
        const opened = openTill({ dataDir, log });
        try {
          const engine = opened.engine();
          engine.start();
          for (let i = 0; i < 40; i++) {
            const order = await engine.create({ amountMinor: 100 + i, currency: 'USD', title: 'Burst', items: [] }, 'cashier');
            await engine.watchOrder(order.id, { done: (o) => o.qrCode !== null || o.state === 'FAILED', timeoutMs: 20_000, rejectOnTimeout: true });
          }
        } finally {
          await opened.close();
          log.close();
        }
        const files = fs.readdirSync(path.join(dataDir, 'logs'));
        assert.ok(files.includes('till.log.1'), `rotated under the burst: ${files.join(', ')}`);
        const exchanges = readTillLog(dataDir, { keep: 3 }).filter((e) => e.msg === 'gateway exchange');
        assert.ok(exchanges.length > 0);
        for (const e of exchanges) {
          assert.deepEqual(Object.keys(e).sort(), ['api', 'elapsedMs', 'httpStatus', 'level', 'msg', 'orderId', 'outcome', 'reason', 'resultCode', 't']);
        }
        assert.ok(exchanges.some((e) => e.api === 'preCreate' && e.outcome === 'S' && e.resultCode === 'SUCCESS'));
        assertDataDirFreeOf(dataDir, await storedPrivateKeys(dataDir));
        const read = expectJson(await till(['--json', 'logs', '--since', '1h'], { dataDir }), 0);
        assert.ok((read.entries as unknown[]).length >= exchanges.length);
        assert.deepEqual(expectJson(await till(['--json', 'logs', '--since', '2999-01-01T00:00'], { dataDir }), 0).entries, []);
        assert.equal((await till(['logs', '--since', 'yesterday'], { dataDir })).status, 2);
        assert.match((await till(['logs'], { dataDir })).stdout, /^\S+Z info {2}gateway exchange api=preCreate orderId=\d+ outcome=S resultCode=SUCCESS/m);
      } finally {
        await sandbox.stop();
      }
    });
  });
}
