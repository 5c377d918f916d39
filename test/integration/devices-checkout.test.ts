// The devices wired to the real checkout engine: a real SQLite journal, the real client,
// the sandbox gateway in this process, the printer and the customer display on pty pairs
// (socat) read by the virtual printer. The QR on the paper must scan to exactly the
// gateway's orderQrCode, natively and as a raster image; device trouble never stops a sale.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { openTillDevices, type TillDevices } from '../../main/devices/till-devices';
import type { DeviceInput } from '../../main/devices/device-config';
import type { JobResult } from '../../main/devices/device-manager';
import { displayFrame, displayMessages } from '../../main/devices/display';
import { getProfile } from '../../main/devices/profiles';
import { isTillError } from '../../main/errors';
import type { OrderRecord } from '../../main/journal/types';
import { openTill } from '../../main/runtime/open-till';
import { EngineHarness, waitUntil, type Till } from '../support/engine-harness';
import { openPtyPair, type PtyPair } from '../support/pty-pair';
import { decodeQrCodes, renderSlipPng, slipText, VirtualPrinter, type Slip } from '../support/virtual-printer';

interface Rig {
  h: EngineHarness;
  till: Till;
  devices: TillDevices;
  printer: VirtualPrinter;
  display: VirtualPrinter;
  printerPair: PtyPair;
  displayPair: PtyPair;
  jobs: JobResult[];
}

async function rig(t: TestContext, options: { printerProfile?: string; printerPath?: string; windowMs?: number } = {}): Promise<Rig> {
  const h = await EngineHarness.start();
  const printerPair = await openPtyPair();
  const displayPair = await openPtyPair();
  const printer = await VirtualPrinter.open(printerPair.device, { dotsPerLine: getProfile(options.printerProfile ?? 'generic').dotsPerLine });
  const display = await VirtualPrinter.open(displayPair.device, { answers: false });
  const till = h.openTill(options.windowMs ? { settings: { paymentWindowMs: options.windowMs } } : {});
  const devices = openTillDevices({
    db: till.db,
    storeName: () => 'Harbour Coffee',
    sandbox: () => true,
    manager: { statusTimeoutMs: 1_500, reconnect: { baseMs: 20, maxMs: 100 } },
  });
  const add = (input: DeviceInput) => devices.store.add(input);
  add({ name: 'receipt', role: 'printer', path: options.printerPath ?? printerPair.till, profile: options.printerProfile ?? 'generic' });
  add({ name: 'pole', role: 'display', path: displayPair.till, profile: 'cd5220' });
  devices.attach(till.engine);
  const jobs: JobResult[] = [];
  devices.manager.on('job', (j) => jobs.push(j));
  t.after(async () => {
    await devices.close({ drainMs: 0 });
    await h.close();
    await printer.close();
    await display.close();
    await printerPair.close();
    await displayPair.close();
  });
  return { h, till, devices, printer, display, printerPair, displayPair, jobs };
}

function qrOnPaper(slip: Slip, dotsPerLine: number): string[] {
  return decodeQrCodes(renderSlipPng(slip, { dotsPerLine }));
}

/** The display's bytes so far, as text (CD5220 lines are ASCII between ESC Q A/B and CR). */
function displayLines(display: VirtualPrinter): string[] {
  // eslint-disable-next-line no-control-regex -- display frames are made of control bytes
  return [...display.received().toString('latin1').matchAll(/\x1bQ[AB](.{20})\r/g)].map((m) => m[1]!.trim());
}

async function waitForDisplay(display: VirtualPrinter, text: string): Promise<void> {
  await display.waitFor(() => displayLines(display).includes(text), 5_000, `the display to show ${JSON.stringify(text)}`);
}

describe('devices wired to the checkout engine', { concurrency: 3 }, () => {
  test('a sale: the scan-to-pay slip scans to the gateway orderQrCode, the display shows the amount, then the receipt and a thank-you', async (t) => {
    const { h, till, printer, display, jobs } = await rig(t);
    const order = await till.create({ amountMinor: 1234, currency: 'USD', title: 'Flat white', items: [{ name: 'Flat white', quantity: 2, unitPriceMinor: 617 }] });
    const awaiting = await till.waitState(order.id, 'AWAITING_PAYMENT');
    const gateway = h.sandboxOrder(order.merchantTransId);
    assert.ok(gateway);
    assert.equal(awaiting.qrCode, gateway.orderQrCode);

    const [slip] = await printer.waitForSlips(1);
    assert.ok(slip);
    assert.deepEqual(slip.qrPayloads, [gateway.orderQrCode], 'the native QR stores exactly the orderQrCode');
    assert.deepEqual(qrOnPaper(slip, 384), [gateway.orderQrCode], 'and the QR drawn on the paper scans to it');
    const text = slipText(slip);
    assert.match(text, /Harbour Coffee/);
    assert.match(text, /USD 12\.34/);
    assert.ok(text.includes(order.merchantTransId));
    assert.match(text, /SANDBOX/);
    assert.equal(slip.cut, true);
    assert.deepEqual(slip.problems, []);

    const scan = displayMessages.scanToPay(1234, 'USD');
    await waitForDisplay(display, scan.upper.trim());
    assert.ok(displayLines(display).includes(scan.lower.trim()));

    // The engine emits the order again for other reasons (here: a repeat of the same
    // state); nothing prints twice.
    till.engine.emit('order', awaiting);
    till.engine.emit('order', { ...awaiting });

    h.sandbox.pay(order.merchantTransId);
    const paid = await till.waitState(order.id, 'PAID');
    const slips = await printer.waitForSlips(2);
    const receipt = slipText(slips[1]!);
    assert.match(receipt, /PAID/);
    assert.ok(receipt.includes(paid.acquirementId!), 'the receipt names the Alipay transaction');
    assert.ok(receipt.includes(order.merchantTransId));
    assert.match(receipt, /2 x 6\.17/);
    assert.doesNotMatch(receipt, /REPRINT/);
    await waitForDisplay(display, 'Paid - thank you');

    till.engine.emit('order', paid);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await printer.waitForQuiet(50);
    assert.equal(printer.allSlips().length, 2, 'one slip per transition, however often the order is emitted');
    // A job is reported after the status round that follows it: on a busy machine that may
    // come after the paper is out.
    await waitUntil('both print jobs reported', () => jobs.filter((j) => j.kind !== 'display').length >= 2, 5_000);
    assert.deepEqual(
      jobs.filter((j) => j.kind !== 'display').map((j) => [j.kind, j.ok, j.orderId]),
      [
        ['scan-to-pay', true, order.id],
        ['receipt', true, order.id],
      ],
    );
  });

  test('a printer without native QR: the slip carries a raster image that scans to the orderQrCode', async (t) => {
    const { h, till, printer } = await rig(t, { printerProfile: 'raster-only' });
    const order = await till.create({ amountMinor: 500, currency: 'USD', title: 'Tea' });
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    const gateway = h.sandboxOrder(order.merchantTransId)!;
    const [slip] = await printer.waitForSlips(1, 15_000);
    assert.deepEqual(slip!.qrPayloads, [], 'no native QR command for this profile');
    assert.equal(slip!.images.length, 1);
    assert.deepEqual(qrOnPaper(slip!, 384), [gateway.orderQrCode]);
  });

  test('cancelled and failed orders: the display says so; no slip prints for them', async (t) => {
    const { h, till, printer, display } = await rig(t);
    const order = await till.create({ amountMinor: 250, currency: 'USD', title: 'Cookie' });
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    await printer.waitForSlips(1);
    till.engine.cancel(order.id, 'cashier');
    await till.waitState(order.id, 'CANCELLED');
    await waitForDisplay(display, displayMessages.cancelled().upper);

    h.setFaults({ forceResult: { preCreate: 'RISK_REJECT' } });
    const rejected = await till.create({ amountMinor: 300, currency: 'USD', title: 'Muffin' });
    await till.waitState(rejected.id, 'FAILED');
    await waitForDisplay(display, displayMessages.failed().upper);
    await printer.waitForQuiet(100);
    assert.equal(printer.allSlips().length, 1, 'only the scan-to-pay slip of the first order');
    // The display's last frame is the failure, byte for byte as the encoder makes it.
    const lines = displayMessages.failed(300, 'USD');
    const last = displayFrame('cd5220', lines.upper, lines.lower);
    assert.ok(display.received().subarray(-last.length).equals(last));
  });

  test('device trouble never stops a sale: no printer at the configured path, the display unplugged mid-sale — the order is paid, the failures are reported', async (t) => {
    // A device-style name (issue 11 §8) with nothing plugged in: a USB adapter not connected.
    const missing = `/dev/ttyTILLMISSING${process.pid}`;
    const { h, till, display, displayPair, devices, jobs } = await rig(t, { printerPath: missing });
    const order = await till.create({ amountMinor: 990, currency: 'USD', title: 'Sandwich' });
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    await waitUntil('the printer job was reported', () => jobs.some((j) => j.kind === 'scan-to-pay'));
    const slipJob = jobs.find((j) => j.kind === 'scan-to-pay')!;
    assert.equal(slipJob.ok, false);
    assert.equal(slipJob.code, 'PORT_NOT_FOUND');
    assert.equal(devices.manager.status('receipt')?.state, 'disconnected');
    await waitForDisplay(display, 'Scan with Alipay');

    await displayPair.unplug();
    await waitUntil('the display reads disconnected', () => devices.manager.status('pole')?.state === 'disconnected');
    h.sandbox.pay(order.merchantTransId);
    const paid = await till.waitState(order.id, 'PAID');
    assert.equal(paid.state, 'PAID');
    await waitUntil('the receipt and the thank-you were reported', () => jobs.some((j) => j.kind === 'receipt') && jobs.filter((j) => j.kind === 'display').length >= 2);
    assert.equal(jobs.find((j) => j.kind === 'receipt')?.ok, false);
    assert.equal(jobs.filter((j) => j.kind === 'display')[1]?.ok, false);

    // The next sale goes on as if nothing happened, and the engine never waited on a port.
    const next = await till.create({ amountMinor: 120, currency: 'USD', title: 'Water' });
    const started = performance.now();
    await till.waitState(next.id, 'AWAITING_PAYMENT');
    assert.ok(performance.now() - started < 2_000);
  });

  test('openTill: an engine created while a device is enabled prints through it, and close() lets the slip finish', async (t) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-devices-open-'));
    const pair = await openPtyPair();
    const printer = await VirtualPrinter.open(pair.device);
    t.after(async () => {
      await printer.close();
      await pair.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const setup = openTill({ dataDir });
    setup.devices.get().store.add({ name: 'receipt', role: 'printer', path: pair.till });
    await setup.close();

    const tillApp = openTill({ dataDir });
    const engine = tillApp.engine();
    const qrCode = 'https://qr.alipay.example/pay/28100000000000001';
    const order = { id: 1, merchantTransId: 'T00000001202611250000001', amountMinor: 2500, currency: 'USD', state: 'AWAITING_PAYMENT', qrCode } as OrderRecord;
    engine.emit('order', order);
    engine.emit('order', order);
    await tillApp.close();
    const slips = await printer.waitForSlips(1);
    await printer.waitForQuiet(100);
    assert.equal(printer.allSlips().length, 1);
    assert.deepEqual(slips[0]!.qrPayloads, [qrCode]);
    assert.match(slipText(slips[0]!), /Sandbox Store #1/, 'the store name comes from the configuration');
  });

  test('reprint: the receipt of a paid order and the slip of an awaiting one, marked REPRINT; a cancelled order has nothing to reprint', async (t) => {
    const { h, till, devices, printer } = await rig(t);
    const order = await till.create({ amountMinor: 450, currency: 'USD', title: 'Bagel' });
    const awaiting = await till.waitState(order.id, 'AWAITING_PAYMENT');
    await printer.waitForSlips(1);

    const again = await devices.checkout.reprint(awaiting).done;
    assert.equal(again.ok, true, again.message ?? '');
    assert.equal(again.kind, 'reprint');
    const [, slip] = await printer.waitForSlips(2);
    assert.match(slipText(slip!), /REPRINT/);
    assert.deepEqual(slip!.qrPayloads, [awaiting.qrCode]);

    h.sandbox.pay(order.merchantTransId);
    const paid = await till.waitState(order.id, 'PAID');
    await printer.waitForSlips(3);
    const copy = await devices.checkout.reprint(paid).done;
    assert.equal(copy.ok, true);
    const slips = await printer.waitForSlips(4);
    assert.match(slipText(slips[3]!), /REPRINT/);
    assert.ok(slipText(slips[3]!).includes(paid.acquirementId!));

    const other = await till.create({ amountMinor: 100, currency: 'USD', title: 'Gum' });
    await till.waitState(other.id, 'AWAITING_PAYMENT');
    till.engine.cancel(other.id);
    const cancelled: OrderRecord = await till.waitState(other.id, 'CANCELLED');
    assert.throws(() => devices.checkout.reprint(cancelled), (e) => isTillError(e, 'NOTHING_TO_REPRINT'));
  });
});
