// The device manager over real pty pairs (socat): the virtual printer on the far end
// decodes what arrives and answers DLE EOT as the test sets its state. Unplugging is
// stopping socat (both ends vanish); replugging starts it again on the same paths.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import type { DeviceConfig } from '../../main/devices/device-config';
import { DeviceManager, type DeviceManagerOptions, type DeviceState, type DeviceStatus, type JobResult } from '../../main/devices/device-manager';
import { displayFrame, displayInit, displayMessages } from '../../main/devices/display';
import { scanToPaySlip, testSlip, TEST_SLIP_URL } from '../../main/devices/escpos/receipt';
import { getProfile } from '../../main/devices/profiles';
import { openSerial } from '../../native/serial';
import { openPtyPair, type PtyPair } from '../support/pty-pair';
import { READY, slipText, VirtualPrinter, type VirtualPrinterOptions } from '../support/virtual-printer';

const DLE_EOT = (n: number) => [0x10, 0x04, n];
const STATUS_ROUND = Buffer.from([...DLE_EOT(1), ...DLE_EOT(2), ...DLE_EOT(4)]);

function device(name: string, role: DeviceConfig['role'], portPath: string, profile = role === 'printer' ? 'generic' : 'epson'): DeviceConfig {
  return { name, role, path: portPath, baud: 9600, dataBits: 8, parity: 'none', stopBits: 1, flow: 'none', profile, enabled: true, updatedAt: '2026-11-25T00:00:00.000Z' };
}

interface Rig {
  pair: PtyPair;
  printer: VirtualPrinter;
  manager: DeviceManager;
  devices: DeviceConfig[];
  states: DeviceStatus[];
  jobs: JobResult[];
  waitState(name: string, state: DeviceState, timeoutMs?: number): Promise<DeviceStatus>;
}

/** One printer on a fresh pty pair, a manager with short timeouts, all torn down after the test. */
async function rig(t: TestContext, options: { printer?: VirtualPrinterOptions; manager?: Partial<DeviceManagerOptions>; role?: DeviceConfig['role'] } = {}): Promise<Rig> {
  const pair = await openPtyPair();
  const printer = await VirtualPrinter.open(pair.device, options.printer);
  const devices = [device(options.role === 'display' ? 'pole' : 'receipt', options.role ?? 'printer', pair.till)];
  const manager = new DeviceManager({ devices: () => devices, statusTimeoutMs: STATUS_MS, reconnect: { baseMs: 20, maxMs: 100 }, ...options.manager });
  const states: DeviceStatus[] = [];
  const jobs: JobResult[] = [];
  manager.on('state', (s) => states.push(s));
  manager.on('job', (j) => jobs.push(j));
  t.after(async () => {
    await manager.close({ drainMs: 0 });
    await printer.close();
    await pair.close();
  });
  const waitState = async (name: string, state: DeviceState, timeoutMs = 5_000): Promise<DeviceStatus> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = manager.status(name)!;
      if (status.state === state) return status;
      if (Date.now() > deadline) assert.fail(`${name} did not become ${state} within ${timeoutMs} ms (it is ${status.state}: ${status.message})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { pair, printer, manager, devices, states, jobs, waitState };
}

/** Where `needle` starts in `haystack`, or -1. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength));
}

const AT = new Date(2026, 10, 25, 17, 20, 1);
/** Long enough for a status round through socat on a busy machine; the no-answer test waits it out. */
const STATUS_MS = 1_500;

describe('device manager over pty pairs', { concurrency: 4 }, () => {
  test('a print job arrives intact after a status round, the write is drained, the printer reads ready', async (t) => {
    const { printer, manager, states } = await rig(t);
    const bytes = testSlip(getProfile('generic'), AT);
    const ticket = manager.submit('receipt', { kind: 'test', bytes });
    const result = await ticket.done;
    assert.equal(result.ok, true, result.message ?? '');
    assert.equal(result.bytes, bytes.length);
    assert.equal(result.state, 'ready');
    const [slip] = await printer.waitForSlips(1);
    assert.ok(slip);
    assert.match(slipText(slip), /TEST PRINT/);
    assert.deepEqual(slip.qrPayloads, [TEST_SLIP_URL]);
    assert.deepEqual(slip.problems, []);
    // On the wire: DLE EOT 1, 2, 4 (is it ready?), the job byte for byte, the status again.
    await printer.waitForBytes(STATUS_ROUND.length * 2 + bytes.length);
    const wire = printer.received();
    assert.deepEqual(wire.subarray(0, STATUS_ROUND.length), STATUS_ROUND);
    assert.equal(indexOfBytes(wire, bytes), STATUS_ROUND.length, 'the job arrived whole, right after the status queries');
    assert.deepEqual(wire.subarray(STATUS_ROUND.length + bytes.length), STATUS_ROUND);
    assert.deepEqual(
      states.map((s) => s.state).filter((s, i, all) => s !== all[i - 1]),
      ['disconnected', 'ready', 'busy', 'ready'],
      'not opened → ready (answered) → busy while writing → ready',
    );
    assert.equal(manager.status('receipt')?.printer?.online, true);
  });

  test('the display frame arrives (after the reset sent on open), and a display is never asked for status', async (t) => {
    // openTillDevices passes the same onOpen: a display is reset and cleared whenever its port opens.
    const { printer: display, manager } = await rig(t, { role: 'display', printer: { answers: false }, manager: { onOpen: () => displayInit('epson') } });
    const lines = displayMessages.scanToPay(1234, 'USD');
    const frame = displayFrame('epson', lines.upper, lines.lower);
    const result = await manager.submit('pole', { kind: 'display', bytes: frame }).done;
    assert.equal(result.ok, true, result.message ?? '');
    assert.equal(result.state, 'ready');
    const expected = Buffer.concat([displayInit('epson'), frame]);
    await display.waitForBytes(expected.length);
    await display.waitForQuiet(50);
    assert.deepEqual(display.received(), expected);
    // eslint-disable-next-line no-control-regex -- display frames are made of control bytes
    assert.match(display.received().toString('latin1'), /Scan with Alipay {4}\x1f\$\x01\x02 +USD 12\.34/);
  });

  test('status replies become device states; a printer that cannot print gets nothing, and the failed job is never resent', async (t) => {
    const { printer, manager, waitState } = await rig(t);
    const cases: Array<{ set: Partial<typeof READY>; state: DeviceState; code: string }> = [
      { set: { paperEnd: true }, state: 'paper-end', code: 'PRINTER_PAPER_END' },
      { set: { coverOpen: true }, state: 'cover-open', code: 'PRINTER_COVER_OPEN' },
      { set: { online: false }, state: 'offline', code: 'PRINTER_OFFLINE' },
    ];
    for (const c of cases) {
      printer.setState({ ...READY, ...c.set });
      const result = await manager.submit('receipt', { kind: 'receipt', bytes: testSlip(getProfile('generic'), AT) }).done;
      assert.equal(result.ok, false, `${c.state}: the job must fail`);
      assert.equal(result.code, c.code);
      assert.equal(result.bytes, 0);
      assert.equal(result.state, c.state);
      assert.equal(manager.status('receipt')?.state, c.state);
      assert.equal(manager.status('receipt')?.code, c.code);
    }
    assert.equal(manager.status('receipt')?.printer?.online, false);
    // Only status queries reached the printer: nothing for the paper.
    await printer.waitForQuiet(50);
    assert.equal(printer.received().length, STATUS_ROUND.length * cases.length);
    assert.equal(printer.allSlips().length, 0);

    // Near end still prints, and says so.
    printer.setState({ ...READY, paperNearEnd: true });
    const nearEnd = await manager.submit('receipt', { kind: 'receipt', bytes: testSlip(getProfile('generic'), AT) }).done;
    assert.equal(nearEnd.ok, true);
    assert.equal(nearEnd.state, 'paper-near-end');
    assert.equal(manager.status('receipt')?.printer?.paperNearEnd, true);

    // Fixed: a check reads ready; the jobs that failed stay failed (one slip: the near-end one).
    printer.setState(READY);
    assert.equal((await manager.check('receipt')).state, 'ready');
    await waitState('receipt', 'ready');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await printer.waitForQuiet(50);
    assert.equal(printer.slips.length, 1, 'no failed job was printed later by itself');
  });

  test('a printer that never answers the status query reads no-answer after the timeout; the job is still sent', async (t) => {
    const { printer, manager } = await rig(t, { printer: { answers: false } });
    const checked = await manager.check('receipt');
    assert.equal(checked.state, 'no-answer');
    assert.equal(checked.code, 'NO_ANSWER');
    const started = Date.now();
    const result = await manager.submit('receipt', { kind: 'test', bytes: testSlip(getProfile('generic'), AT) }).done;
    assert.ok(Date.now() - started >= 2 * STATUS_MS - 20, 'it waited for the answer before and after the job');
    assert.equal(result.ok, true);
    assert.equal(result.state, 'no-answer');
    await printer.waitForSlips(1);
  });

  test('unplugged: disconnected, no crash, jobs fail at once; replugged: ready again by itself and the next job prints — only that one', async (t) => {
    const { pair, printer, manager, jobs, waitState } = await rig(t);
    assert.equal((await manager.submit('receipt', { kind: 'test', bytes: testSlip(getProfile('generic'), AT) }).done).ok, true);
    await printer.waitForSlips(1);

    await pair.unplug();
    const gone = await waitState('receipt', 'disconnected');
    assert.match(gone.code ?? '', /^PORT_(DISCONNECTED|NOT_FOUND)$/);
    const lost = await manager.submit('receipt', { kind: 'receipt', label: 'while unplugged', bytes: testSlip(getProfile('generic'), AT) }).done;
    assert.equal(lost.ok, false);
    assert.match(lost.code ?? '', /^PORT_(DISCONNECTED|NOT_FOUND)$/);
    assert.equal(manager.status('receipt')?.state, 'disconnected');

    await pair.replug();
    await printer.waitForConnection(true);
    await waitState('receipt', 'ready');
    const slipsBefore = printer.slips.length;
    const next = await manager.submit('receipt', { kind: 'test', label: 'after replug', bytes: testSlip(getProfile('generic'), AT) }).done;
    assert.equal(next.ok, true, next.message ?? '');
    await printer.waitForSlips(slipsBefore + 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(printer.slips.length, slipsBefore + 1, 'the job that failed while unplugged was not sent again');
    assert.deepEqual(
      jobs.map((j) => [j.label, j.ok]),
      [
        [null, true],
        ['while unplugged', false],
        ['after replug', true],
      ],
    );
  });

  test('a port that does not exist: PORT_NOT_FOUND naming the path, the job fails, nothing throws; plugged in later it becomes ready', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-devices-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const missing = path.join(dir, 'ttyLater');
    const devices = [device('receipt', 'printer', missing)];
    const manager = new DeviceManager({ devices: () => devices, statusTimeoutMs: STATUS_MS, reconnect: { baseMs: 20, maxMs: 100 } });
    t.after(() => manager.close({ drainMs: 0 }));
    const result = await manager.submit('receipt', { kind: 'scan-to-pay', bytes: Uint8Array.of(0x1b, 0x40) }).done;
    assert.equal(result.ok, false);
    assert.equal(result.code, 'PORT_NOT_FOUND');
    assert.ok(result.message?.includes(missing), 'the message names the path');
    assert.equal(manager.status('receipt')?.state, 'disconnected');
    assert.equal(manager.status('receipt')?.code, 'PORT_NOT_FOUND');

    const later = await openPtyPair(dir, { tillName: 'ttyLater', deviceName: 'ttyLaterDevice' });
    const printer = await VirtualPrinter.open(later.device);
    t.after(async () => {
      await printer.close();
      await later.close();
    });
    const deadline = Date.now() + 5_000;
    while (manager.status('receipt')?.state !== 'ready') {
      assert.ok(Date.now() < deadline, `still ${manager.status('receipt')?.state}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(printer.allSlips().length, 0, 'the failed job stays failed');
  });

  test('a port held by another program: PORT_BUSY, state error', async (t) => {
    const { pair, manager } = await rig(t);
    const holder = await openSerial({ path: pair.till, baudRate: 9600 });
    t.after(() => holder.close());
    const status = await manager.check('receipt');
    assert.equal(status.state, 'error');
    assert.equal(status.code, 'PORT_BUSY');
    assert.ok(status.message?.includes(pair.till));
  });

  test('one queue per device: a slow printer holds up neither the display nor the caller', async (t) => {
    const slow = await rig(t, { printer: { replyDelayMs: 150 } });
    const pole = await openPtyPair();
    const display = await VirtualPrinter.open(pole.device, { answers: false });
    t.after(async () => {
      await display.close();
      await pole.close();
    });
    slow.devices.push(device('pole', 'display', pole.till));
    const order: string[] = [];
    const started = performance.now();
    const printed = slow.manager.submit('receipt', { kind: 'receipt', bytes: () => testSlip(getProfile('raster-only'), AT) });
    const shown = slow.manager.submit('pole', { kind: 'display', bytes: displayFrame('epson', 'Paid - thank you', '') });
    // At once: not after the printer's 150 ms answer (the bound leaves room for a busy machine).
    assert.ok(performance.now() - started < 100, 'submit() returns at once');
    void printed.done.then(() => order.push('printer'));
    void shown.done.then(() => order.push('display'));
    const [p, d] = await Promise.all([printed.done, shown.done]);
    assert.equal(p.ok, true);
    assert.equal(d.ok, true);
    assert.deepEqual(order, ['display', 'printer']);
    assert.ok(d.ms < p.ms);
  });

  test('a job that cannot be encoded (QR payload too long for the profile) is reported; nothing is printed', async (t) => {
    const { printer, manager } = await rig(t);
    const qrUrl = `https://qr.example/${'x'.repeat(600)}`;
    const result = await manager.submit('receipt', {
      kind: 'scan-to-pay',
      bytes: () => scanToPaySlip({ storeName: 'Shop', merchantTransId: 'T1', amountMinor: 100, currency: 'USD', qrUrl, at: AT }, getProfile('generic')),
    }).done;
    assert.equal(result.ok, false);
    assert.ok(result.code);
    assert.equal(result.bytes, 0);
    assert.equal(manager.status('receipt')?.state, 'ready', 'the printer itself is fine');
    await printer.waitForQuiet(50);
    assert.equal(printer.allSlips().length, 0);
  });

  test('a printer that stops taking bytes: the job times out (WRITE_TIMEOUT), what was queued is dropped, and the next job reopens', async (t) => {
    // Nobody reads the far end: the pty's buffer fills and the write stalls.
    const pair = await openPtyPair();
    t.after(() => pair.close());
    const devices = [device('receipt', 'printer', pair.till)];
    const manager = new DeviceManager({ devices: () => devices, statusTimeoutMs: STATUS_MS, jobTimeoutMs: () => 300 });
    t.after(() => manager.close({ drainMs: 0 }));
    const result = await manager.submit('receipt', { kind: 'receipt', bytes: new Uint8Array(256 * 1024).fill(0x41) }).done;
    assert.equal(result.ok, false);
    assert.equal(result.code, 'WRITE_TIMEOUT');
    assert.equal(manager.status('receipt')?.state, 'error');
    const printer = await VirtualPrinter.open(pair.device);
    t.after(() => printer.close());
    const next = await manager.submit('receipt', { kind: 'test', bytes: testSlip(getProfile('generic'), AT) }).done;
    assert.equal(next.ok, true, next.message ?? '');
    assert.equal(next.state, 'ready');
  });
});
