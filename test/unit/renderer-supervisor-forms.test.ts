// The supervisor's settings and device forms (renderer/src/supervisor/settings-form.ts,
// device-form.ts): they send only what changed, in the shapes the router's schemas take.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateRequest, type DeviceView, type SettingView } from '../../preload/contract';
import { blankDevice, formOf, toDeviceInput } from '../../renderer/src/supervisor/device-form';
import { changedValues, initialValues, sectionOf } from '../../renderer/src/supervisor/settings-form';

const SETTINGS: SettingView[] = [
  { key: 'gateway.baseUrl', value: 'http://127.0.0.1:8787', description: '', optional: false },
  { key: 'store.name', value: 'Store #1', description: '', optional: false },
  { key: 'seller.engName', value: null, description: '', optional: true },
  { key: 'locale', value: 'en', description: '', optional: false },
];

describe('settings form', () => {
  test('starts from the stored text (unset as empty) and sends only what changed', () => {
    const values = initialValues(SETTINGS);
    assert.deepEqual(values, { 'gateway.baseUrl': 'http://127.0.0.1:8787', 'store.name': 'Store #1', 'seller.engName': '', locale: 'en' });
    assert.deepEqual(changedValues(SETTINGS, values), {});
    const edited = { ...values, locale: 'zh-HK', 'seller.engName': 'Shop', 'not.listed': 'x' };
    const changed = changedValues(SETTINGS, edited);
    assert.deepEqual(changed, { 'seller.engName': 'Shop', locale: 'zh-HK' });
    assert.equal(validateRequest('settings.set', { values: changed }).ok, true);
  });

  test('keys are grouped by what they are about', () => {
    assert.equal(sectionOf('gateway.timeoutMs'), 'gateway');
    assert.equal(sectionOf('site'), 'gateway');
    assert.equal(sectionOf('seller.mcc'), 'merchant');
    assert.equal(sectionOf('terminal.id'), 'store');
    assert.equal(sectionOf('payment.windowSeconds'), 'payment');
    assert.equal(sectionOf('locale'), 'screens');
    assert.equal(sectionOf('ui.kiosk'), 'screens');
    assert.equal(sectionOf('sitemap'), 'other', 'a prefix match needs the dot');
  });
});

describe('device form', () => {
  test('a filled-in form is a request the router takes', () => {
    const checked = toDeviceInput({ ...blankDevice(), name: 'printer-1', path: ' /dev/ttyUSB0 ', baud: '19200', parity: 'even', profile: 'epson-tm-t20' });
    assert.ok(checked.ok);
    assert.deepEqual(checked.device, {
      name: 'printer-1',
      role: 'printer',
      path: '/dev/ttyUSB0',
      baud: 19200,
      dataBits: 8,
      parity: 'even',
      stopBits: 1,
      flow: 'none',
      enabled: true,
      profile: 'epson-tm-t20',
    });
    assert.equal(validateRequest('devices.save', { device: checked.device }).ok, true);
  });

  test('the first field to fix is named, and nothing is built', () => {
    assert.deepEqual(toDeviceInput({ ...blankDevice(), path: '/dev/x' }), { ok: false, field: 'name' });
    assert.deepEqual(toDeviceInput({ ...blankDevice(), name: 'bad name', path: '/dev/x' }), { ok: false, field: 'name' });
    assert.deepEqual(toDeviceInput({ ...blankDevice(), name: 'p' }), { ok: false, field: 'path' });
    assert.deepEqual(toDeviceInput({ ...blankDevice(), name: 'p', path: '/dev/x', baud: '96OO' }), { ok: false, field: 'baud' });
  });

  test('editing a device starts from what it is', () => {
    const device = { name: 'pole', role: 'display', path: '/dev/ttyS1', baud: 9600, dataBits: 7, parity: 'odd', stopBits: 2, flow: 'rtscts', profile: 'cd5220', enabled: false } as DeviceView;
    const checked = toDeviceInput(formOf(device));
    assert.ok(checked.ok);
    assert.deepEqual(checked.device, { name: 'pole', role: 'display', path: '/dev/ttyS1', baud: 9600, dataBits: 7, parity: 'odd', stopBits: 2, flow: 'rtscts', profile: 'cd5220', enabled: false });
  });
});
