// Issue 11 §8: a packaged till refuses debugging switches (the decision is host-args.ts's
// debugSwitches, which app.ts applies before any window opens: Electron's binary cannot
// run here), and devices are configured only at serial device paths (device-path.ts,
// applied by every device write: `till devices add/set` and the supervisor's screen).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DeviceConfigStore } from '../../main/devices/device-config';
import { devicePathProblem } from '../../main/devices/device-path';
import { debugSwitches } from '../../main/electron/host-args';
import { openTillDatabase } from '../../main/config/data-dir';

describe('debugging switches in a packaged till', () => {
  test('Chromium remote debugging, the Node inspector and V8 flags are found, with or without a value', () => {
    const argv = ['/opt/Alipay Till/alipay-till', '--data-dir', '/var/lib/till', '--remote-debugging-port=9222', '--inspect', '--INSPECT-BRK=0.0.0.0:9229', '--js-flags=--allow-natives-syntax', '--remote-debugging-pipe', '--no-sandbox'];
    assert.deepEqual(debugSwitches(argv), ['--remote-debugging-port=9222', '--inspect', '--INSPECT-BRK=0.0.0.0:9229', '--js-flags=--allow-natives-syntax', '--remote-debugging-pipe']);
  });

  test('the till\'s own flags and ordinary values pass', () => {
    assert.deepEqual(debugSwitches(['/opt/till', '--data-dir=/srv/till', '--customer-window', 'inspect', '--inspector-ish']), []);
  });
});

describe('device paths', () => {
  test('serial device names are accepted', () => {
    for (const p of ['/dev/ttyUSB0', '/dev/ttyS0', '/dev/ttyACM1', '/dev/serial/by-id/usb-Prolific_PL2303-if00-port0', '/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0', '/dev/pts/7', '/dev/cu.usbserial-1410', '/dev/rfcomm0', 'COM3', 'com12', '\\\\.\\COM10']) {
      assert.equal(devicePathProblem(p, () => assert.fail(`no link lookup for ${p}`)), undefined, p);
    }
  });

  test('files, directories, relative and climbing paths are refused with the hint', () => {
    for (const p of ['/etc/passwd', '/dev/null', '/dev/sda', '/dev/tty/../../etc/passwd', '/dev/serial/by-id/../../../etc/shadow', 'ttyUSB0', './printer', 'COM0', 'COM3:', '/home/till/.local/share/alipay-till/till.sqlite']) {
      const problem = devicePathProblem(p, (x) => x);
      assert.ok(problem !== undefined, `${p} refused`);
      assert.match(problem!, /\/dev\/ttyUSB0/);
    }
  });

  test('a link is accepted only while it leads to a serial device', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-devpath-'));
    try {
      const toTty = path.join(dir, 'ttyPrinter');
      const toFile = path.join(dir, 'printer');
      fs.symlinkSync('/dev/tty', toTty);
      fs.symlinkSync('/etc/hostname', toFile);
      assert.equal(devicePathProblem(toTty), undefined);
      assert.match(devicePathProblem(toFile)!, /leads to "\/etc\/hostname", which is not a serial device/);
      assert.match(devicePathProblem(path.join(dir, 'gone'))!, /nor a link to one that exists now/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the device store refuses a non-device path by field, and keeps nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-devpath-db-'));
    const db = openTillDatabase(dir);
    try {
      const store = new DeviceConfigStore(db);
      assert.throws(() => store.add({ name: 'p1', role: 'printer', path: '/etc/passwd' }), (e: unknown) => (e as { code?: string; field?: string }).code === 'CONFIG_INVALID' && (e as { field?: string }).field === 'path');
      assert.deepEqual(store.list(), []);
      store.add({ name: 'p1', role: 'printer', path: '/dev/ttyUSB0', enabled: false });
      assert.throws(() => store.update('p1', { path: '/etc/passwd' }), (e: unknown) => (e as { field?: string }).field === 'path');
      assert.equal(store.list()[0]!.path, '/dev/ttyUSB0');
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
