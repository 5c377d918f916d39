// `till devices …` and `till reprint` as an installer and a cashier run them: real
// `node dist/main/cli/till.js` processes on a real data directory, the printer and the
// display on pty pairs (socat) with the virtual printer on the far end, in this process.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { TEST_SLIP_URL } from '../../main/devices/escpos/receipt';
import { assertErrorDoc, assertKeys, ensureBuilt, expectJson, ORDER_KEYS, removeTempDirs, tempDir, till } from '../support/cli-runner';
import { EngineHarness } from '../support/engine-harness';
import { openPtyPair, type PtyPair } from '../support/pty-pair';
import { decodeQrCodes, READY, renderSlipPng, slipText, VirtualPrinter } from '../support/virtual-printer';

const DEVICE_KEYS = ['name', 'role', 'path', 'baud', 'dataBits', 'parity', 'stopBits', 'flow', 'profile', 'enabled', 'updatedAt'];
const STATUS_KEYS = ['state', 'code', 'message', 'printer'];
const RESULT_KEYS = ['device', 'ok', 'code', 'message', 'bytes', 'ms', 'state'];

type Doc = Record<string, unknown>;

async function ptyWith(t: TestContext, answers = true): Promise<{ pair: PtyPair; end: VirtualPrinter }> {
  const pair = await openPtyPair();
  const end = await VirtualPrinter.open(pair.device, { answers });
  t.after(async () => {
    await end.close();
    await pair.close();
  });
  return { pair, end };
}

describe('till devices and till reprint', { concurrency: 3 }, () => {
  before(() => ensureBuilt());
  after(() => removeTempDirs());

  test('add, set, remove, list: stable JSON, and every bad value is refused naming its field', async () => {
    const dataDir = tempDir();
    const run = (...args: string[]) => till([...args, '--json'], { dataDir });

    assertErrorDoc(expectJson(await run('devices', 'add', 'receipt', '--role', 'printer', '--path', '/dev/ttyUSB0', '--baud', '9601'), 1), 'CONFIG_INVALID', 'baud');
    assertErrorDoc(expectJson(await run('devices', 'add', 'receipt', '--role', 'drawer', '--path', '/dev/ttyUSB0'), 1), 'CONFIG_INVALID', 'role');
    assertErrorDoc(expectJson(await run('devices', 'add', 'receipt', '--role', 'printer', '--path', '/dev/ttyUSB0', '--profile', 'cd5220'), 1), 'CONFIG_INVALID', 'profile');
    assertErrorDoc(expectJson(await run('devices', 'add', 'receipt', '--role', 'printer', '--path', '/dev/ttyUSB0', '--data-bits', '7'), 1), 'CONFIG_INVALID', 'parity');
    assertErrorDoc(expectJson(await run('devices', 'add', 'bad name', '--role', 'printer', '--path', '/dev/ttyUSB0'), 1), 'CONFIG_INVALID', 'name');
    assertErrorDoc(expectJson(await run('devices', 'add', 'receipt', '--role', 'printer'), 2), 'USAGE');
    assertErrorDoc(expectJson(await run('devices', 'add', 'receipt', '--role', 'printer', '--path', '/dev/x', '--colour', 'red'), 2), 'USAGE');
    assertErrorDoc(expectJson(await run('devices', 'frobnicate'), 2), 'USAGE');

    const added = expectJson(await run('devices', 'add', 'receipt', '--role', 'printer', '--path', '/dev/ttyUSB0', '--flow', 'rtscts'), 0);
    assertKeys(added, ['ok', 'device'], 'devices add');
    assertKeys(added.device, DEVICE_KEYS, 'device');
    assert.deepEqual({ ...(added.device as Doc), updatedAt: 'x' }, {
      name: 'receipt',
      role: 'printer',
      path: '/dev/ttyUSB0',
      baud: 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      flow: 'rtscts',
      profile: 'generic',
      enabled: true,
      updatedAt: 'x',
    });
    assertErrorDoc(expectJson(await run('devices', 'add', 'receipt', '--role', 'display', '--path', '/dev/ttyUSB1'), 1), 'DEVICE_EXISTS', 'name');
    assertErrorDoc(expectJson(await run('devices', 'add', 'second', '--role', 'printer', '--path', '/dev/ttyUSB1'), 1), 'CONFIG_INVALID', 'enabled');
    assertErrorDoc(expectJson(await run('devices', 'add', 'pole', '--role', 'display', '--path', '/dev/ttyUSB0'), 1), 'CONFIG_INVALID', 'path');
    const pole = expectJson(await run('devices', 'add', 'pole', '--role', 'display', '--path', '/dev/ttyUSB1'), 0);
    assert.equal((pole.device as Doc).profile, 'epson', 'a display speaks the Epson command set unless told otherwise');

    const set = expectJson(await run('devices', 'set', 'pole', '--profile', 'cd5220', '--baud', '19200', '--enabled', 'false'), 0);
    assert.deepEqual([(set.device as Doc).profile, (set.device as Doc).baud, (set.device as Doc).enabled], ['cd5220', 19200, false]);
    assertErrorDoc(expectJson(await run('devices', 'set', 'pole', '--stop-bits', '3'), 1), 'CONFIG_INVALID', 'stopBits');
    assertErrorDoc(expectJson(await run('devices', 'set', 'nope', '--baud', '9600'), 1), 'DEVICE_NOT_FOUND', 'name');
    assertErrorDoc(expectJson(await run('devices', 'set', 'pole'), 2), 'USAGE');

    const list = expectJson(await run('devices', 'list'), 0);
    assertKeys(list, ['ok', 'ports', 'portsError', 'devices'], 'devices list');
    assert.ok(Array.isArray(list.ports));
    const devices = list.devices as Doc[];
    assert.deepEqual(devices.map((d) => d.name), ['pole', 'receipt']);
    for (const d of devices) assertKeys(d, [...DEVICE_KEYS, 'status'], `device ${String(d.name)}`);
    assert.equal(devices[0]!.status, null, 'a disabled device is not opened');
    const receipt = devices[1]!.status as Doc;
    assertKeys(receipt, STATUS_KEYS, 'status');
    assert.equal(receipt.state, 'disconnected');
    assert.equal(receipt.code, 'PORT_NOT_FOUND');

    assertErrorDoc(expectJson(await run('devices', 'remove', 'nope'), 1), 'DEVICE_NOT_FOUND', 'name');
    assert.deepEqual(expectJson(await run('devices', 'remove', 'pole'), 0), { ok: true, name: 'pole', removed: true });
    const human = await till(['devices', 'list'], { dataDir });
    assert.equal(human.status, 0);
    assert.match(human.stdout, /^Serial ports on this machine:\n/);
    assert.match(human.stdout, /\n {2}receipt +printer +\/dev\/ttyUSB0 {2}9600 8N1 rtscts {2}generic {2}disconnected: serial port \/dev\/ttyUSB0 does not exist/);
    assert.doesNotMatch(human.stdout, /pole/);
  });

  test('devices test: a test slip whose QR scans and a test line on the display; devices list reads the printer status', async (t) => {
    const dataDir = tempDir();
    const run = (...args: string[]) => till([...args, '--json'], { dataDir });
    const { pair: printerPair, end: printer } = await ptyWith(t);
    const { pair: displayPair, end: display } = await ptyWith(t, false);
    expectJson(await run('devices', 'add', 'receipt', '--role', 'printer', '--path', printerPair.till), 0);
    expectJson(await run('devices', 'add', 'pole', '--role', 'display', '--path', displayPair.till, '--profile', 'cd5220'), 0);

    printer.setState({ ...READY, paperNearEnd: true });
    const list = expectJson(await run('devices', 'list'), 0);
    const status = Object.fromEntries((list.devices as Doc[]).map((d) => [d.name, d.status as Doc]));
    assert.equal(status.receipt!.state, 'paper-near-end');
    assert.deepEqual(status.receipt!.printer, { online: true, coverOpen: false, paperNearEnd: true, paperEnd: false, error: false });
    assert.equal(status.pole!.state, 'ready');
    assert.equal(status.pole!.printer, null);

    const tested = expectJson(await run('devices', 'test'), 0);
    assertKeys(tested, ['ok', 'results'], 'devices test');
    const results = tested.results as Doc[];
    for (const r of results) assertKeys(r, RESULT_KEYS, 'test result');
    assert.deepEqual(results.map((r) => [r.device, r.ok]), [['pole', true], ['receipt', true]]);
    const [slip] = await printer.waitForSlips(1);
    assert.match(slipText(slip!), /TEST PRINT/);
    assert.deepEqual(decodeQrCodes(renderSlipPng(slip!, { dotsPerLine: 384 })), [TEST_SLIP_URL]);
    // eslint-disable-next-line no-control-regex -- display frames are made of control bytes
    assert.match(display.received().toString('latin1'), /\x1bQATill display test {3}\r\x1bQB\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \r$/);

    printer.setState({ ...READY, paperEnd: true });
    const failed = expectJson(await run('devices', 'test', 'receipt'), 1);
    assert.equal(failed.ok, false);
    assert.deepEqual((failed.results as Doc[]).map((r) => [r.device, r.ok, r.code, r.state]), [['receipt', false, 'PRINTER_PAPER_END', 'paper-end']]);
    const human = await till(['devices', 'test', 'receipt'], { dataDir });
    assert.equal(human.status, 1);
    assert.match(human.stdout, /^receipt: FAILED PRINTER_PAPER_END: the printer is out of paper/);
    assert.equal(printer.allSlips().length, 1, 'nothing printed while out of paper');
  });

  test('till reprint ORDER: the receipt again, marked REPRINT; refused for an order with nothing to reprint or without a printer', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const engineTill = h.openTill();
    const order = await engineTill.create({ amountMinor: 780, currency: 'USD', title: 'Lunch' });
    await engineTill.waitState(order.id, 'AWAITING_PAYMENT');
    h.sandbox.pay(order.merchantTransId);
    const paid = await engineTill.waitState(order.id, 'PAID');
    const dataDir = h.dir;
    const run = (...args: string[]) => till([...args, '--json'], { dataDir });
    const tail = order.merchantTransId.slice(-6);

    assertErrorDoc(expectJson(await run('reprint', tail), 1), 'NO_PRINTER', 'printer');
    const { pair, end: printer } = await ptyWith(t);
    expectJson(await run('devices', 'add', 'receipt', '--role', 'printer', '--path', pair.till), 0);

    const doc = expectJson(await run('reprint', tail), 0);
    assertKeys(doc, ['ok', 'merchantTransId', 'slip', 'device', 'bytes', 'order'], 'reprint');
    assert.equal(doc.merchantTransId, order.merchantTransId);
    assert.equal(doc.slip, 'receipt');
    assert.equal(doc.device, 'receipt');
    assertKeys(doc.order, ORDER_KEYS, 'order');
    const [slip] = await printer.waitForSlips(1);
    const text = slipText(slip!);
    assert.match(text, /REPRINT/);
    assert.match(text, /PAID/);
    assert.ok(text.includes(paid.acquirementId!));
    assert.ok(text.includes(order.merchantTransId));

    const other = await engineTill.create({ amountMinor: 120, currency: 'USD', title: 'Water' });
    await engineTill.waitState(other.id, 'AWAITING_PAYMENT');
    engineTill.engine.cancel(other.id);
    await engineTill.waitState(other.id, 'CANCELLED');
    assertErrorDoc(expectJson(await run('reprint', other.merchantTransId), 1), 'NOTHING_TO_REPRINT', 'order');
    assertErrorDoc(expectJson(await run('reprint', 'NOPE0000'), 1), 'ORDER_NOT_FOUND', 'ID');

    printer.setState({ ...READY, coverOpen: true });
    const refused = expectJson(await run('reprint', tail), 1);
    assertErrorDoc(refused, 'PRINTER_COVER_OPEN');
    assert.equal(printer.allSlips().length, 1);
  });
});
