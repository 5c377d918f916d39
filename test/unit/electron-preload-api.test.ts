// The Electron preload: the API it exposes as `window.till`, and the bundle Vite makes of it,
// run as a sandboxed preload runs (no require but `electron`) with a fake contextBridge.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import vm from 'node:vm';
import { IPC_EVENT, IPC_INVOKE, type TillApi, type TillEvent } from '../../preload/contract';
import { exposeTillApi, TILL_API_KEY } from '../../preload/electron/expose-till-api';
import { createTillApi } from '../../preload/electron/till-api';

const root = path.resolve(__dirname, '..', '..');

/** ipcRenderer as the preload sees it: invoke goes to a scripted main process, events come from `deliver`. */
class FakeIpcRenderer extends EventEmitter {
  readonly invoked: unknown[][] = [];
  reply: (channel: unknown, request: unknown) => Promise<unknown> = async () => ({ ok: true, value: 'pong' });
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, ...args]);
    return this.reply(args[0], args[1]);
  }
  deliver(payload: unknown): void {
    // Electron passes the IpcRendererEvent first; it holds `sender` (ipcRenderer itself).
    this.emit(IPC_EVENT, { sender: this, senderId: 0, ports: [] }, payload);
  }
}

class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();
  exposeInMainWorld(key: string, api: unknown): void {
    assert.equal(this.exposed.has(key), false);
    this.exposed.set(key, api);
  }
}

const STATUS_EVENT = { type: 'status' } as const satisfies TillEvent;

describe('the preload API', () => {
  test('invoke sends a contract channel and its request on IPC_INVOKE and returns the reply', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createTillApi(ipc);
    assert.deepEqual(await api.invoke('order.get', { orderId: 7 }), { ok: true, value: 'pong' });
    assert.deepEqual(ipc.invoked, [[IPC_INVOKE, 'order.get', { orderId: 7 }]]);
  });

  test('invoke refuses a name that is not a channel without sending anything', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createTillApi(ipc);
    const call = api.invoke as (channel: unknown, request: unknown) => ReturnType<TillApi['invoke']>;
    for (const channel of ['shell.openExternal', 'toString', '__proto__', '', 42, null, { toString: () => 'till.status' }]) {
      const reply = await call(channel, {});
      assert.equal(reply.ok, false);
      assert.equal(!reply.ok && reply.error.code, 'UNKNOWN_CHANNEL', String(channel));
    }
    assert.deepEqual(ipc.invoked, []);
  });

  test('invoke never rejects: a lost main process is an INTERNAL error as data', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.reply = async () => {
      throw new Error("Error invoking remote method 'till:invoke': /home/till/secret");
    };
    const reply = await createTillApi(ipc).invoke('till.status', {});
    assert.equal(reply.ok, false);
    assert.equal(!reply.ok && reply.error.code, 'INTERNAL');
    assert.doesNotMatch(JSON.stringify(reply), /secret/);
  });

  test('subscribers get the event payload only, never the IPC event or ipcRenderer', () => {
    const ipc = new FakeIpcRenderer();
    const api = createTillApi(ipc);
    const seen: unknown[][] = [];
    api.subscribe((...args: unknown[]) => seen.push(args));
    ipc.deliver(STATUS_EVENT);
    assert.deepEqual(seen, [[STATUS_EVENT]]);
  });

  test('payloads that are not till events are dropped', () => {
    const ipc = new FakeIpcRenderer();
    const api = createTillApi(ipc);
    const seen: unknown[] = [];
    api.subscribe((event) => seen.push(event));
    for (const payload of [undefined, null, 'status', { type: 'exec' }, { kind: 'order' }]) ipc.deliver(payload);
    assert.deepEqual(seen, []);
  });

  test('one IPC listener fans out to every subscriber; unsubscribing works and removes it at the end', () => {
    const ipc = new FakeIpcRenderer();
    const api = createTillApi(ipc);
    const a: unknown[] = [];
    const b: unknown[] = [];
    assert.equal(ipc.listenerCount(IPC_EVENT), 0, 'no listener until someone subscribes');
    const offA = api.subscribe((event) => a.push(event));
    const offB = api.subscribe((event) => b.push(event));
    assert.equal(ipc.listenerCount(IPC_EVENT), 1);
    ipc.deliver(STATUS_EVENT);
    offA();
    offA();
    ipc.deliver(STATUS_EVENT);
    assert.equal(a.length, 1);
    assert.equal(b.length, 2);
    offB();
    assert.equal(ipc.listenerCount(IPC_EVENT), 0);
    ipc.deliver(STATUS_EVENT);
    assert.equal(b.length, 2);
  });

  test('a throwing subscriber does not starve the others, and its error is reported', () => {
    const ipc = new FakeIpcRenderer();
    const reported: unknown[] = [];
    const api = createTillApi(ipc, { reportError: (error) => reported.push(error) });
    const seen: unknown[] = [];
    api.subscribe(() => {
      throw new Error('screen bug');
    });
    api.subscribe((event) => seen.push(event));
    ipc.deliver(STATUS_EVENT);
    assert.deepEqual(seen, [STATUS_EVENT]);
    assert.deepEqual(
      reported.map((e) => (e as Error).message),
      ['screen bug'],
    );
  });

  test('is exposed as window.till with invoke and subscribe only', () => {
    const contextBridge = new FakeContextBridge();
    exposeTillApi({ contextBridge, ipcRenderer: new FakeIpcRenderer() });
    assert.equal(TILL_API_KEY, 'till');
    assert.deepEqual([...contextBridge.exposed.keys()], ['till']);
    const api = contextBridge.exposed.get('till') as object;
    assert.deepEqual(Object.keys(api).sort(), ['invoke', 'subscribe']);
    assert.equal(Object.isFrozen(api), true);
  });
});

describe('the bundled preload (vite.preload.config.mts)', () => {
  test('is one CommonJS file that requires only electron and exposes window.till', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-preload-'));
    try {
      const { build } = await import('vite');
      await build({ configFile: path.join(root, 'vite.preload.config.mts'), logLevel: 'silent', build: { outDir } });
      assert.deepEqual(fs.readdirSync(outDir), ['preload.js']);
      const code = fs.readFileSync(path.join(outDir, 'preload.js'), 'utf8');

      const required: string[] = [];
      const contextBridge = new FakeContextBridge();
      const ipcRenderer = new FakeIpcRenderer();
      const module = { exports: {} };
      // A sandboxed preload's world: no Node but `require('electron')`.
      vm.runInNewContext(code, {
        module,
        exports: module.exports,
        queueMicrotask,
        require: (name: string) => {
          required.push(name);
          if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
          return { contextBridge, ipcRenderer };
        },
      });
      assert.deepEqual(required, ['electron']);
      const api = contextBridge.exposed.get('till') as TillApi;
      assert.deepEqual(await api.invoke('till.status', {}), { ok: true, value: 'pong' });
      assert.deepEqual(ipcRenderer.invoked, [[IPC_INVOKE, 'till.status', {}]]);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
