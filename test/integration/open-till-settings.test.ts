// Settings saved while the till runs (supervisor screen) take effect without a restart:
// the gateway client is rebuilt for a new address, the engine's payment window follows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setConfigValues } from '../../main/config/settings-schema';
import { openTill } from '../../main/runtime/open-till';

test('settingsChanged: a new gateway client after gateway.* changes, the same one otherwise; payment window updated', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-settings-'));
  const till = openTill({ dataDir });
  t.after(async () => {
    await till.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const engine = till.engine();
  const first = till.client();

  setConfigValues(till.settings, { 'store.name': 'Corner Shop' });
  till.settingsChanged(['store.name']);
  assert.equal(till.client(), first, 'unrelated keys keep the client');

  setConfigValues(till.settings, { 'gateway.baseUrl': 'http://127.0.0.1:9', 'payment.windowSeconds': '300' });
  till.settingsChanged(['gateway.baseUrl', 'payment.windowSeconds']);
  const second = till.client();
  assert.notEqual(second, first, 'gateway.baseUrl rebuilds the client');
  assert.equal(engine.settings.paymentWindowMs, 300_000);
});
