// `till precreate` run in this process, so a Ctrl-C can arrive at the exact instant the QR
// line is printed: the moment a cashier (or a script) reacts to it. The command must already
// be listening then; a SIGINT with no listener would end the process and leave the customer
// a live QR until recovery cancels it. Real SQLite, the real keychain (the file re-runs
// itself inside keyring-session.sh) and `till sandbox` in its own process.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { run } from '../../main/cli/commands/precreate';
import { EXIT, type Output } from '../../main/cli/output';
import { ensureBuilt, insideKeyringSession, removeTempDirs, sandboxOrder, startSandboxProcess, tempDir, till, type SandboxProcess } from '../support/cli-runner';

if (insideKeyringSession(__filename, 'till precreate Ctrl-C')) {
  let sandbox: SandboxProcess | undefined;
  after(async () => {
    await sandbox?.stop();
    removeTempDirs();
  });

  test('a Ctrl-C at the instant the QR line is printed cancels the order: exit 5, CANCELLED at the gateway', { timeout: 60_000 }, async () => {
    ensureBuilt();
    const dataDir = tempDir();
    assert.equal((await till(['keys', 'generate'], { dataDir })).status, 0);
    sandbox = await startSandboxProcess(dataDir);
    assert.equal((await till(['config', 'set', 'gateway.baseUrl', sandbox.url], { dataDir })).status, 0);

    const lines: string[] = [];
    const baseline = process.listenerCount('SIGINT');
    let listenersAtQr = -1;
    const out: Output = {
      json: false,
      say(line) {
        lines.push(line);
        if (!line.includes('scan to pay')) return;
        listenersAtQr = process.listenerCount('SIGINT');
        // The cashier presses Ctrl-C as the QR appears.
        if (listenersAtQr > baseline) process.emit('SIGINT', 'SIGINT');
      },
      result() {},
    };
    const started = Date.now();
    const code = await run({ args: ['--amount', '4.05', '--title', 'Instant change of mind'], dataDir, out });
    assert.ok(listenersAtQr > baseline, 'Ctrl-C was not being listened for when the QR line was printed');
    assert.equal(code, EXIT.notPaid, lines.join('\n'));
    assert.ok(Date.now() - started < 20_000, 'cancelled at once, not when the payment window ran out');
    const transId = /^(T\w+): CANCELLED — not paid, the QR is void$/m.exec(lines.join('\n'))?.[1];
    assert.ok(transId, lines.join('\n'));
    assert.ok(lines.includes('\nCancelling… (Ctrl-C again to stop waiting)'), lines.join('\n'));
    assert.equal((await sandboxOrder(sandbox.url, transId))?.status, 'CANCELLED');
    assert.equal(process.listenerCount('SIGINT'), baseline, 'the listener is gone once the command ends');
  });
}
