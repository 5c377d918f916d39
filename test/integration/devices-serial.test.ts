// native/serial over real pty pairs (socat): bytes on the wire after drain, replies read
// back, typed errors naming the path, and a port that vanishes reported as unplugged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSerialError, listSerialPorts, openSerial, type SerialCloseInfo } from '../../native/serial';
import { openPtyPair } from '../support/pty-pair';

describe('native/serial over pty pairs', { concurrency: 4 }, () => {
  test('write() resolves after drain with every byte at the far end; the far end is read back; close() is reported as not a disconnect', async (t) => {
    const pair = await openPtyPair();
    t.after(() => pair.close());
    const device = await openSerial({ path: pair.device, baudRate: 9600 });
    const till = await openSerial({ path: pair.till, baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'xonxoff' });
    const atDevice: Buffer[] = [];
    device.on('data', (chunk) => atDevice.push(Buffer.from(chunk)));
    const payload = new Uint8Array(20_000).map((_, i) => (i * 7) & 0x7f);
    await till.write(payload);
    const deadline = Date.now() + 5_000;
    while (Buffer.concat(atDevice).length < payload.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(Buffer.concat(atDevice), Buffer.from(payload));

    const back = new Promise<Uint8Array>((resolve) => till.once('data', resolve));
    await device.write(Uint8Array.of(0x12));
    assert.deepEqual([...(await back)], [0x12]);

    const closed = new Promise<SerialCloseInfo>((resolve) => till.once('close', resolve));
    await till.close();
    assert.deepEqual(await closed, { disconnected: false, error: null });
    assert.equal(till.isOpen, false);
    await assert.rejects(till.write(Uint8Array.of(1)), (e) => isSerialError(e, 'PORT_CLOSED') && e.path === pair.till);
    await device.close();
  });

  test('typed open errors naming the path: PORT_NOT_FOUND, PORT_BUSY, PORT_FAILED', async (t) => {
    const pair = await openPtyPair();
    t.after(() => pair.close());
    const missing = `${pair.dir}/ttyNothing`;
    await assert.rejects(openSerial({ path: missing, baudRate: 9600 }), (e) => isSerialError(e, 'PORT_NOT_FOUND') && e.path === missing && e.message.includes(missing));
    const holder = await openSerial({ path: pair.till, baudRate: 9600 });
    t.after(() => holder.close());
    await assert.rejects(openSerial({ path: pair.till, baudRate: 9600 }), (e) => isSerialError(e, 'PORT_BUSY') && e.message.includes(pair.till));
    // A regular file is not a serial port.
    await assert.rejects(openSerial({ path: __filename, baudRate: 9600 }), (e) => isSerialError(e, 'PORT_FAILED') && e.message.includes(__filename));
  });

  test('unplugged (socat stopped): close with disconnected = true, pending and later writes reject, nothing throws', async (t) => {
    const pair = await openPtyPair();
    t.after(() => pair.close());
    const till = await openSerial({ path: pair.till, baudRate: 9600 });
    const closed = new Promise<SerialCloseInfo>((resolve) => till.once('close', resolve));
    await pair.unplug();
    const info = await closed;
    assert.equal(info.disconnected, true);
    assert.ok(isSerialError(info.error, 'PORT_DISCONNECTED'));
    assert.equal(till.isOpen, false);
    await assert.rejects(till.write(Uint8Array.of(1)), (e) => isSerialError(e) && /^PORT_(CLOSED|DISCONNECTED)$/.test(e.code));
    await till.close();
  });

  test('listSerialPorts() asks udev: a sorted list of paths, or LIST_FAILED', async () => {
    try {
      const ports = await listSerialPorts();
      assert.ok(Array.isArray(ports));
      for (const port of ports) assert.deepEqual(Object.keys(port).sort(), ['manufacturer', 'path', 'pnpId', 'productId', 'serialNumber', 'vendorId']);
      assert.deepEqual(ports.map((p) => p.path), [...ports.map((p) => p.path)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
    } catch (error) {
      assert.ok(isSerialError(error, 'LIST_FAILED'), String(error));
    }
  });
});
