// The router refuses bad calls before they reach anything: unknown channels, supervisor
// channels without a session (checked before the payload), and for every channel every
// field spoilt in turn (wrong types, huge strings, extra keys, null, arrays). Each refusal
// is a typed error, and afterwards the journal, the settings and the keychain are exactly
// as before. Real till, real keychain (inside keyring-session.sh), real sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CHANNELS, CHANNEL_ACCESS, type Channel } from '../../preload/contract';
import type { TillServices } from '../../main/runtime/till-services';
import { insideKeyringSession, removeTempDirs, storedPrivateKeys } from '../support/cli-runner';
import { VALID_REQUESTS, fieldsOf, withField, wrongValuesFor } from '../unit/contract-schemas-samples';
import { assertNothingSecretLeaked, freshDataDir, screen, startServices, stateOf, transcript, type Screen, setFirstPin } from './ipc-kit';

const PIN = '0736194852';
const SUPERVISOR_CHANNELS = CHANNELS.filter((c) => CHANNEL_ACCESS[c] === 'supervisor');

if (insideKeyringSession(__filename, 'router bad-input tests')) {
  describe('router: bad calls change nothing', () => {
    let dataDir: string;
    let services: TillServices;
    let supervisor: Screen;
    let stranger: Screen;

    before(async () => {
      dataDir = await freshDataDir();
      services = await startServices(dataDir);
      supervisor = screen(services, 'supervisor screen');
      stranger = screen(services, 'cashier screen');
      await setFirstPin(services, supervisor, PIN);
      // One real order, so order ids in the samples point at something. It is cancelled
      // and settled before any snapshot: a live order keeps the engine polling, and its
      // attempts and events would grow between two snapshots on a busy machine (issue 10 §6).
      const order = await stranger.ok('order.create', { amountMinor: 239, cartId: 'bad-input-1' });
      await stranger.ok('order.cancel', { orderId: order.id });
      await services.till.engine().waitFor(order.id, (o) => o.state === 'CANCELLED', 30_000);
      await services.till.engine().resolveNow();
    });

    after(async () => {
      await services?.close();
      removeTempDirs();
    });

    test('unknown channels: UNKNOWN_CHANNEL, whatever the name is made of', async () => {
      const before = await stateOf(services);
      for (const channel of ['nope', '', 'order.create ', 'ORDER.CREATE', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'x'.repeat(1_000_000), null, undefined, 42, {}, ['order.get'], Symbol('order.get')]) {
        const error = await stranger.fails(channel, { orderId: 1 }, 'UNKNOWN_CHANNEL');
        assert.ok(error.message.length < 200, 'a huge channel name is not repeated back');
      }
      assert.equal(await stateOf(services), before);
    });

    test('every supervisor channel without a session: SUPERVISOR_REQUIRED, even with a bad payload', async () => {
      const before = await stateOf(services);
      assert.ok(SUPERVISOR_CHANNELS.length >= 19);
      for (const channel of SUPERVISOR_CHANNELS) {
        await stranger.fails(channel, VALID_REQUESTS[channel], 'SUPERVISOR_REQUIRED');
        await stranger.fails(channel, { junk: 'x'.repeat(100_000) }, 'SUPERVISOR_REQUIRED');
      }
      // The most dangerous ones, spelled out: no new key, no settings, no closed day.
      await stranger.fails('keys.generate', { replace: true }, 'SUPERVISOR_REQUIRED');
      await stranger.fails('settings.set', { values: { 'gateway.baseUrl': 'https://evil.example' } }, 'SUPERVISOR_REQUIRED');
      await stranger.fails('day.close', {}, 'SUPERVISOR_REQUIRED');
      assert.equal(await stateOf(services), before);
    });

    test('every channel, every field spoilt in turn: BAD_REQUEST naming the field, and nothing changes', async () => {
      await supervisor.ok('supervisor.login', { pin: PIN });
      const before = await stateOf(services);
      let calls = 0;
      for (const channel of CHANNELS) {
        const sample = VALID_REQUESTS[channel];
        const payloads: Array<{ payload: unknown; field?: string }> = [null, [], [sample], 'x', 0, true].map((payload) => ({ payload }));
        payloads.push({ payload: { ...sample, extra: 'x' }, field: 'extra' });
        for (const field of fieldsOf(sample)) {
          for (const wrong of wrongValuesFor(field.sample, field.path)) payloads.push({ payload: withField(sample, field.steps, wrong), field: field.path });
        }
        for (const { payload, field } of payloads) {
          const error = await supervisor.fails(channel as Channel, payload, 'BAD_REQUEST');
          if (field === undefined) assert.equal(error.field, undefined);
          else assert.ok(error.field === field || error.field?.startsWith(`${field}.`) || error.field?.startsWith(`${field}[`), `${channel}: ${field} named as ${String(error.field)}`);
          calls++;
        }
      }
      assert.ok(calls > 400, `${calls} calls`);
      assert.equal(await stateOf(services), before);
    });

    test('well-formed requests the till refuses: a typed error, and nothing changes', async () => {
      const before = await stateOf(services);
      await supervisor.fails('order.get', { orderId: 999_999 }, 'ORDER_NOT_FOUND', 'orderId');
      await supervisor.fails('order.cancel', { orderId: 999_999 }, 'ORDER_NOT_FOUND');
      await supervisor.fails('order.refund', { orderId: 999_999, amountMinor: 1, refundKey: 'k-1' }, 'ORDER_NOT_FOUND');
      await supervisor.fails('order.create', { amountMinor: 100, currency: 'XYZ', cartId: 'bad-currency' }, 'CURRENCY_UNKNOWN', 'currency');
      await supervisor.fails('alarm.clear', { alarmId: 999_999 }, 'ALARM_NOT_FOUND');
      await supervisor.fails('day.reconcile', { day: '2025-02-30' }, 'DAY_INVALID');
      await supervisor.fails('day.close', { day: '2999-01-01' }, 'DAY_NOT_STARTED');
      await supervisor.fails('settings.set', { values: { 'store.name': 'Fine', 'payment.windowSeconds': '5' } }, 'CONFIG_INVALID', 'payment.windowSeconds');
      await supervisor.fails('settings.set', { values: { 'profile.id': '00000000-0000-0000-0000-000000000000' } }, 'CONFIG_UNKNOWN_KEY', 'profile.id');
      await supervisor.fails('settings.set', { values: { 'supervisor.pinFailures': '0' } }, 'CONFIG_UNKNOWN_KEY');
      await supervisor.fails('keys.generate', {}, 'KEY_EXISTS');
      await supervisor.fails('keys.importAlipay', { pem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }, 'KEYS_TERMINAL_ONLY');
      await supervisor.fails('devices.save', { device: { name: 'p1', role: 'printer', path: '/dev/ttyS9', baud: 1234 } }, 'CONFIG_INVALID', 'baud');
      await supervisor.fails('devices.test', { name: 'nothing' }, 'DEVICE_NOT_FOUND');
      await supervisor.fails('supervisor.setupPin', { code: '12345678', pin: '111111' }, 'PIN_ALREADY_SET');
      assert.equal(await stateOf(services), before);
    });

    test('no reply, event or log line of these calls holds key material or the PIN', async () => {
      await assertNothingSecretLeaked(dataDir, [PIN]);
    });

    test('the scan would catch a leak: a planted PIN, key piece or PEM marker fails it', async () => {
      const [key] = await storedPrivateKeys(dataDir);
      const body = key!.split('\n').filter((l) => !l.startsWith('-----')).join('');
      for (const planted of [`{"pin":"${PIN}"}`, `{"x":"${body.slice(100, 300)}"}`, '-----BEGIN PRIVATE KEY-----']) {
        transcript.push({ what: 'planted', text: planted });
        await assert.rejects(assertNothingSecretLeaked(dataDir, [PIN]), /planted holds/);
        transcript.pop();
      }
    });
  });
}
