// ipcMain → router: the sender check (docs/protocol.md §8) and one router connection per window.
// The router here records what reaches it, so a test can prove a refused call never did.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IPC_EVENT, IPC_INVOKE, type Result, type TillEvent } from '../../preload/contract';
import type { ConnectionInfo, Router, RouterConnection } from '../../main/ipc/router-types';
import { createIpcBridge, FORBIDDEN_SENDER } from '../../main/electron/ipc-bridge';
import { isTrustedSender, type InvokeEventLike } from '../../main/electron/sender-check';
import { fakeFrame, FakeWebContents, type FakeFrame } from './electron-fakes';

class RecordingConnection implements RouterConnection {
  readonly calls: Array<{ channel: unknown; request: unknown }> = [];
  readonly listeners = new Set<(event: TillEvent) => void>();
  closed = false;
  constructor(readonly info: ConnectionInfo) {}
  async invoke(channel: unknown, request: unknown): Promise<Result<unknown>> {
    this.calls.push({ channel, request });
    return { ok: true, value: { label: this.info.label } };
  }
  subscribe(listener: (event: TillEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  push(event: TillEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  close(): void {
    this.closed = true;
  }
}

class RecordingRouter implements Router {
  readonly connections: RecordingConnection[] = [];
  connect(info: ConnectionInfo): RecordingConnection {
    const connection = new RecordingConnection(info);
    this.connections.push(connection);
    return connection;
  }
  statusChanged(): void {}
  close(): void {}
}

class FakeIpcMain {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void {
    assert.equal(this.handlers.has(channel), false, 'one handler per channel, as Electron requires');
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  call(event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(IPC_INVOKE);
    assert.ok(handler, 'no handler for IPC_INVOKE');
    return handler(event, ...args);
  }
}

function fromFrame(contents: FakeWebContents, frame: FakeFrame | null = contents.mainFrame): InvokeEventLike {
  return { sender: contents, senderFrame: frame };
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const router = new RecordingRouter();
  const bridge = createIpcBridge({ ipcMain, router });
  return { ipcMain, router, bridge };
}

const STATUS_EVENT: TillEvent = { type: 'status' };

describe('sender check', () => {
  const ours = new Set([1]);
  const isOurs = (id: number): boolean => ours.has(id);

  test('accepts the main frame of one of our windows showing app://till', () => {
    const contents = new FakeWebContents(1);
    assert.equal(isTrustedSender(fromFrame(contents), isOurs), true);
    contents.mainFrame.url = 'app://till/index.html#/supervisor';
    assert.equal(isTrustedSender(fromFrame(contents), isOurs), true);
  });

  test('refuses a subframe, another URL, a gone frame and a webContents that is not ours', () => {
    const contents = new FakeWebContents(1);
    assert.equal(isTrustedSender(fromFrame(contents, fakeFrame('app://till/index.html', contents.mainFrame)), isOurs), false, 'subframe');
    assert.equal(isTrustedSender(fromFrame(contents, fakeFrame('app://till/index.html')), isOurs), false, 'a top frame that is not this main frame');
    assert.equal(isTrustedSender(fromFrame(contents, null), isOurs), false, 'frame gone');
    for (const url of ['https://example.com/', 'file:///opt/till/dist/renderer/index.html', 'app://evil/index.html', 'devtools://devtools/bundled/inspector.html']) {
      const other = new FakeWebContents(1, url);
      assert.equal(isTrustedSender(fromFrame(other), isOurs), false, url);
    }
    assert.equal(isTrustedSender(fromFrame(new FakeWebContents(2)), isOurs), false, 'unknown webContents');
  });
});

describe('IPC bridge', () => {
  test('each window gets its own router connection, labelled by its webContents', async () => {
    const { ipcMain, router, bridge } = setup();
    const till = new FakeWebContents(3);
    const customer = new FakeWebContents(4, 'app://till/index.html#/customer');
    bridge.attach(till);
    bridge.attach(customer);
    bridge.attach(till);
    assert.deepEqual(
      router.connections.map((c) => c.info),
      [
        { host: 'electron', label: 'webContents#3' },
        { host: 'electron', label: 'webContents#4' },
      ],
    );
    assert.deepEqual(await ipcMain.call(fromFrame(till), 'till.status', {}), { ok: true, value: { label: 'webContents#3' } });
    assert.deepEqual(await ipcMain.call(fromFrame(customer), 'order.get', { orderId: 1 }), { ok: true, value: { label: 'webContents#4' } });
    assert.deepEqual(router.connections[0]?.calls, [{ channel: 'till.status', request: {} }]);
    assert.deepEqual(router.connections[1]?.calls, [{ channel: 'order.get', request: { orderId: 1 } }]);
  });

  test('a refused sender gets FORBIDDEN_SENDER as data and nothing reaches the router', async () => {
    const { ipcMain, router, bridge } = setup();
    const till = new FakeWebContents(3);
    bridge.attach(till);
    const refused = [
      fromFrame(new FakeWebContents(9)),
      fromFrame(till, fakeFrame('app://till/index.html', till.mainFrame)),
      fromFrame(till, null),
    ];
    const navigatedAway = new FakeWebContents(5, 'https://example.com/');
    bridge.attach(navigatedAway);
    refused.push(fromFrame(navigatedAway));
    for (const event of refused) {
      const reply = (await ipcMain.call(event, 'till.status', {})) as Result<unknown>;
      assert.equal(reply.ok, false);
      assert.equal(!reply.ok && reply.error.code, FORBIDDEN_SENDER);
    }
    for (const connection of router.connections) assert.deepEqual(connection.calls, []);
  });

  test('events reach only their window, as plain data on IPC_EVENT', () => {
    const { router, bridge } = setup();
    const till = new FakeWebContents(3);
    const customer = new FakeWebContents(4);
    bridge.attach(till);
    bridge.attach(customer);
    router.connections[0]?.push(STATUS_EVENT);
    assert.deepEqual(till.sent, [{ channel: IPC_EVENT, args: [STATUS_EVENT] }]);
    assert.deepEqual(customer.sent, []);
  });

  test('a destroyed window closes its connection; its id is no longer trusted', async () => {
    const { ipcMain, router, bridge } = setup();
    const till = new FakeWebContents(3);
    bridge.attach(till);
    till.destroy();
    const connection = router.connections[0];
    assert.equal(connection?.closed, true);
    assert.equal(connection?.listeners.size, 0);
    connection?.push(STATUS_EVENT);
    assert.deepEqual(till.sent, []);
    const reply = (await ipcMain.call(fromFrame(till), 'till.status', {})) as Result<unknown>;
    assert.equal(!reply.ok && reply.error.code, FORBIDDEN_SENDER);
    assert.deepEqual(connection?.calls, []);
  });

  test('a new document in the window (reload, crashed page reloaded) gets a new connection; the old one is closed with its session', async () => {
    const { ipcMain, router, bridge } = setup();
    const till = new FakeWebContents(3);
    bridge.attach(till);
    await ipcMain.call(fromFrame(till), 'supervisor.login', { pin: '1234' });
    till.emit('did-navigate');
    const [before, after] = router.connections;
    assert.equal(before?.closed, true);
    assert.equal(before?.listeners.size, 0);
    assert.equal(after?.closed, false);
    await ipcMain.call(fromFrame(till), 'till.status', {});
    assert.deepEqual(after?.calls, [{ channel: 'till.status', request: {} }]);
    assert.equal(before?.calls.length, 1, 'the old connection gets no more calls');
    after?.push(STATUS_EVENT);
    assert.deepEqual(till.sent, [{ channel: IPC_EVENT, args: [STATUS_EVENT] }]);
    till.destroy();
    till.emit('did-navigate');
    assert.equal(router.connections.length, 2, 'a destroyed window is not reconnected');
    assert.equal(after?.closed, true);
  });

  test('a router that throws still answers with data', async () => {
    const ipcMain = new FakeIpcMain();
    const router = new RecordingRouter();
    const bridge = createIpcBridge({ ipcMain, router });
    const till = new FakeWebContents(3);
    bridge.attach(till);
    const connection = router.connections[0];
    assert.ok(connection);
    connection.invoke = async () => {
      throw new Error('at /secret/path.ts:12');
    };
    const reply = (await ipcMain.call(fromFrame(till), 'till.status', {})) as Result<unknown>;
    assert.equal(reply.ok, false);
    assert.equal(!reply.ok && reply.error.code, 'INTERNAL');
    assert.doesNotMatch(JSON.stringify(reply), /secret/);
  });

  test('close removes the handler and closes every connection', () => {
    const { ipcMain, router, bridge } = setup();
    bridge.attach(new FakeWebContents(3));
    bridge.attach(new FakeWebContents(4));
    bridge.close();
    assert.equal(ipcMain.handlers.has(IPC_INVOKE), false);
    assert.deepEqual(
      router.connections.map((c) => c.closed),
      [true, true],
    );
  });
});

