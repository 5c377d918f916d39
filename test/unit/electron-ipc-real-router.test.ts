// The IPC bridge in front of the real till services (router, SQLite file in a temporary
// directory, gnome-keyring): what a window can do through it, and that a refused sender
// changes nothing. Runs itself inside a private keyring session, like the keychain tests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { IPC_EVENT, IPC_INVOKE, type Result, type TillStatusView } from '../../preload/contract';
import { createIpcBridge, FORBIDDEN_SENDER, type IpcBridge } from '../../main/electron/ipc-bridge';
import type { InvokeEventLike } from '../../main/electron/sender-check';
import { startTillServices, type TillServices } from '../../main/runtime/till-services';
import { SupervisorPin } from '../../main/config/supervisor-pin';
import { fakeFrame, FakeWebContents } from './electron-fakes';

const SESSION_SCRIPT = path.resolve(__dirname, '..', 'support', 'keyring-session.sh');

type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

if (process.env.TILL_KEYRING_SESSION !== '1') {
  test('the IPC bridge tests with the real router pass inside a private gnome-keyring session', () => {
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const args = [SESSION_SCRIPT, process.execPath, '--import', 'tsx', '--test', '--test-reporter=tap', __filename];
    const run = spawnSync('sh', args, { encoding: 'utf8', timeout: 120_000, env });
    assert.equal(run.status, 0, `inside keyring-session.sh:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /# pass [1-9]/);
    assert.match(run.stdout, /# fail 0/);
  });
} else {
  describe('IPC bridge with the real router', () => {
    let dataDir: string;
    let services: TillServices;
    let bridge: IpcBridge;
    let handler: Handler;

    const call = async (contents: FakeWebContents, channel: string, request: unknown, frame = contents.mainFrame): Promise<Result<unknown>> =>
      (await handler({ sender: contents, senderFrame: frame }, channel, request)) as Result<unknown>;

    /** The one-time code `till keys set-pin --code` would print at the terminal. */
    const setupCode = async () => {
      const { vault, settings, journal } = services.till;
      return (await new SupervisorPin(vault, settings, journal, Date.now).issueSetupCode()).code;
    };

    const status = async (contents: FakeWebContents): Promise<TillStatusView> => {
      const reply = await call(contents, 'till.status', {});
      assert.ok(reply.ok, JSON.stringify(reply));
      return reply.value as TillStatusView;
    };

    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-electron-ipc-'));
      services = await startTillServices({ dataDir, embeddedSandbox: 'never', log: () => {} });
      bridge = createIpcBridge({
        ipcMain: {
          handle: (channel, listener) => {
            assert.equal(channel, IPC_INVOKE);
            handler = listener;
          },
          removeHandler: () => {},
        },
        router: services.router,
      });
    });

    after(async () => {
      bridge.close();
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    test('a window reads the till status through its connection', async () => {
      const till = new FakeWebContents(1);
      bridge.attach(till);
      const view = await status(till);
      assert.equal(view.sandbox, true);
      assert.equal(view.supervisor, false);
      assert.equal(view.supervisorPinSet, false);
    });

    test('a refused sender cannot set the PIN: nothing changes', async () => {
      const till = new FakeWebContents(2);
      bridge.attach(till);
      const iframe = fakeFrame('app://till/index.html', till.mainFrame);
      const stranger = new FakeWebContents(3, 'https://example.com/');
      const code = await setupCode();
      for (const reply of [await call(till, 'supervisor.setupPin', { code, pin: '135790' }, iframe), await call(stranger, 'supervisor.setupPin', { code, pin: '135790' })]) {
        assert.equal(!reply.ok && reply.error.code, FORBIDDEN_SENDER);
      }
      assert.equal((await status(till)).supervisorPinSet, false);
    });

    test('a supervisor session belongs to the window that opened it; events reach every window', async () => {
      const till = new FakeWebContents(4);
      const customer = new FakeWebContents(5, 'app://till/index.html#/customer');
      bridge.attach(till);
      bridge.attach(customer);
      const setup = await call(till, 'supervisor.setupPin', { code: await setupCode(), pin: '135790' });
      assert.ok(setup.ok, JSON.stringify(setup));
      assert.equal((await call(till, 'settings.list', {})).ok, true);
      const refused = await call(customer, 'settings.list', {});
      assert.equal(!refused.ok && refused.error.code, 'SUPERVISOR_REQUIRED');
      assert.equal((await status(till)).supervisor, true);
      assert.equal((await status(customer)).supervisor, false);
      for (const contents of [till, customer]) {
        assert.ok(
          contents.sent.some((m) => m.channel === IPC_EVENT && JSON.stringify(m.args) === JSON.stringify([{ type: 'status' }])),
          `webContents#${contents.id} got the status event`,
        );
      }
      assert.doesNotMatch(JSON.stringify([...till.sent, ...customer.sent]), /135790/, 'the PIN never travels back');
    });
  });
}
