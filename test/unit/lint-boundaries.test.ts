// Proves the folder rules of docs/architecture.md fire (and only fire) where they should, through the
// project's real eslint.config.mjs, on snippets linted at virtual paths in the tree.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint, type Linter } from 'eslint';

const root = path.resolve(__dirname, '..', '..');
const RULE_ID = 'till-local/layer-boundaries';
const eslint = new ESLint({ cwd: root });

async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath), warnIgnored: true });
  assert.ok(result, 'ESLint returned no result');
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `parse error in snippet for ${filePath}`);
  return result.messages.filter((m) => m.ruleId === RULE_ID);
}

interface Case {
  file: string;
  code: string;
  rule?: string;
}

const violations: Case[] = [
  // renderer: only renderer/** and preload/contract*; no Node, no electron, no native packages
  { file: 'renderer/x.tsx', code: "import { envelope } from '../main/alipay/envelope';\nexport { envelope };", rule: 'renderer-imports' },
  { file: 'renderer/screens/till.tsx', code: "export * from '../../native/sqlite/open-database';", rule: 'renderer-imports' },
  { file: 'renderer/x.tsx', code: "import fs from 'node:fs';\nexport { fs };", rule: 'renderer-imports' },
  { file: 'renderer/x.tsx', code: "import { createHash } from 'crypto';\nexport { createHash };", rule: 'renderer-imports' },
  { file: 'renderer/x.tsx', code: "import { ipcRenderer } from 'electron';\nexport { ipcRenderer };", rule: 'renderer-imports' },
  { file: 'renderer/x.tsx', code: "export const k = await import('keytar');", rule: 'renderer-imports' },
  { file: 'renderer/x.tsx', code: "import '../preload/electron-preload';", rule: 'renderer-imports' },
  { file: 'renderer/x.tsx', code: "import type { Settings } from '../main/config/settings';\nexport type { Settings };", rule: 'renderer-imports' },
  // preload: only preload/**; electron only outside the contract
  { file: 'preload/electron-preload.ts', code: "import { route } from '../main/ipc/router';\nexport { route };", rule: 'preload-imports' },
  { file: 'preload/electron-preload.ts', code: "import fs from 'node:fs';\nexport { fs };", rule: 'preload-imports' },
  { file: 'preload/contract.ts', code: "import { ipcRenderer } from 'electron';\nexport { ipcRenderer };", rule: 'contract-is-pure' },
  { file: 'preload/contract/channels.ts', code: "import type { IpcRendererEvent } from 'electron';\nexport type { IpcRendererEvent };", rule: 'contract-is-pure' },
  // native: never main, preload or renderer
  { file: 'native/sqlite/x.ts', code: "import { TillError } from '../../main/errors';\nexport { TillError };", rule: 'native-imports' },
  { file: 'native/keychain/x.ts', code: "export { TILL_API } from '../../preload/contract';", rule: 'native-imports' },
  { file: 'native/serial/x.ts', code: "import { ipcMain } from 'electron';\nexport { ipcMain };", rule: 'electron-only-in-hosts' },
  // main: never renderer; electron only under main/electron
  { file: 'main/web/x.ts', code: "import { App } from '../../renderer/app';\nexport { App };", rule: 'main-imports' },
  { file: 'main/alipay/x.ts', code: "import { app } from 'electron';\nexport { app };", rule: 'electron-only-in-hosts' },
  { file: 'main/ipc/router.ts', code: "export { ipcMain } from 'electron';", rule: 'electron-only-in-hosts' },
  { file: 'main/checkout/x.ts', code: "const electron = require('electron');\nexport { electron };", rule: 'electron-only-in-hosts' },
  { file: 'main/x.ts', code: "import { fakeClock } from '../test/support/clock';\nexport { fakeClock };", rule: 'no-test-imports' },
  // native packages only under native/
  { file: 'main/journal/x.ts', code: "import Database from 'better-sqlite3';\nexport { Database };", rule: 'native-packages-only-in-native' },
  { file: 'main/journal/y.ts', code: "export type Db = typeof import('better-sqlite3');", rule: 'native-packages-only-in-native' },
  { file: 'main/cli/x.ts', code: "const keytar = require(`keytar`);\nexport { keytar };", rule: 'native-packages-only-in-native' },
  { file: 'main/devices/x.ts', code: "import serialport = require('serialport');\nexport { serialport };", rule: 'native-packages-only-in-native' },
  { file: 'main/devices/y.ts', code: "import { ReadlineParser } from '@serialport/parser-readline';\nexport { ReadlineParser };", rule: 'native-packages-only-in-native' },
  { file: 'scripts/x.mjs', code: "import keytar from 'keytar';\nexport { keytar };", rule: 'native-packages-only-in-native' },
  // react only under renderer/
  { file: 'main/ipc/x.ts', code: "export const react = await import('react');", rule: 'react-only-in-renderer' },
  { file: 'main/web/x.ts', code: "import { renderToString } from 'react-dom/server';\nexport { renderToString };", rule: 'react-only-in-renderer' },
  // inside main/: the layer table (each crossing issue 12 found, and the direction in general)
  { file: 'main/ipc/call-context.ts', code: "import type { Till } from '../runtime/open-till';\nexport type { Till };", rule: 'main-layer-order' },
  { file: 'main/electron/app-protocol.ts', code: "import { contentTypeOf } from '../web/content-types';\nexport { contentTypeOf };", rule: 'main-layer-order' },
  { file: 'main/web/x.ts', code: "export { createWindow } from '../electron/windows';", rule: 'main-layer-order' },
  { file: 'main/cli/commands/devices.ts', code: "import { listSerialPorts } from '../../../native/serial';\nexport { listSerialPorts };", rule: 'native-only-below' },
  { file: 'main/ipc/handlers/devices.ts', code: "import { listSerialPorts } from '../../../native/serial';\nexport { listSerialPorts };", rule: 'native-only-below' },
  { file: 'main/cli/commands/keys.ts', code: "import { SupervisorPin } from '../../ipc/supervisor-pin';\nexport { SupervisorPin };", rule: 'main-layer-order' },
  { file: 'main/journal/x.ts', code: "import { KeyVault } from '../config/key-vault';\nexport { KeyVault };", rule: 'main-layer-order' },
  { file: 'main/alipay/x.ts', code: "export type { OrderRecord } from '../journal/types';", rule: 'main-layer-order' },
  { file: 'main/checkout/x.ts', code: "export const d = await import('../devices/device-manager');", rule: 'main-layer-order' },
  { file: 'main/serve/x.ts', code: "import { TillError } from '../ipc/error-view';\nexport { TillError };", rule: 'main-layer-order' },
  // the store server stands alone; the till reaches it only through its protocol and the CLI
  { file: 'server/store/x.ts', code: "import { Journal } from '../../main/journal/journal';\nexport { Journal };", rule: 'server-stands-alone' },
  { file: 'server/http/x.ts', code: "import { openDatabase } from '../../native/sqlite/open-database';\nexport { openDatabase };", rule: 'server-stands-alone' },
  { file: 'server/db/x.ts', code: "import Database from 'better-sqlite3';\nexport { Database };", rule: 'server-stands-alone' },
  { file: 'server/protocol/x.ts', code: "import { ServerError } from '../http/server-error';\nexport { ServerError };", rule: 'server-stands-alone' },
  { file: 'main/journal/x.ts', code: "import type { Change } from '../../server/protocol/sync-protocol';\nexport type { Change };", rule: 'main-reaches-server' },
  { file: 'main/sync/x.ts', code: "import { ingestBatch } from '../../server/store/ingest';\nexport { ingestBatch };", rule: 'main-reaches-server' },
  { file: 'main/runtime/x.ts', code: "import { startStoreServer } from '../../server/http/start-server';\nexport { startStoreServer };", rule: 'main-reaches-server' },
  { file: 'main/sync/x.ts', code: "import { createRouter } from '../ipc/router';\nexport { createRouter };", rule: 'main-layer-order' },
  // tests: free, except electron
  { file: 'test/unit/x.test.ts', code: "import { app } from 'electron';\nexport { app };", rule: 'electron-only-in-hosts' },
];

const allowed: Case[] = [
  { file: 'main/journal/x.ts', code: "import { openDatabase } from '../../native/sqlite/open-database';\nexport { openDatabase };" },
  { file: 'main/electron/x.ts', code: "import { app, BrowserWindow } from 'electron';\nexport { app, BrowserWindow };" },
  { file: 'main/electron/windows.ts', code: "import { route } from '../ipc/router';\nimport type { TillApi } from '../../preload/contract';\nexport { route };\nexport type { TillApi };" },
  { file: 'main/alipay/x.ts', code: "import { createSign } from 'node:crypto';\nimport { request } from 'undici';\nimport { TillError } from '../errors';\nexport { createSign, request, TillError };" },
  { file: 'main/cli/x.ts', code: "export const mod = await import('../checkout/engine');" },
  { file: 'main/config/x.ts', code: "import { Journal } from '../journal/journal';\nimport { SECRET_ACCOUNTS } from '../../native/keychain';\nimport { TillError } from '../errors';\nexport { Journal, SECRET_ACCOUNTS, TillError };" },
  { file: 'main/electron/x.ts', code: "import { staticPathSegments } from '../serve/static-path';\nimport { openTill } from '../runtime/open-till';\nexport { staticPathSegments, openTill };" },
  { file: 'main/ipc/x.ts', code: "import { listSerialPorts } from '../devices/serial-ports';\nimport type { CheckoutEngine } from '../checkout/engine';\nexport { listSerialPorts };\nexport type { CheckoutEngine };" },
  { file: 'main/sync/x.ts', code: "import type { Change } from '../../server/protocol/sync-protocol';\nimport { Journal } from '../journal/journal';\nimport { backoffDelay } from '../checkout/backoff';\nexport type { Change };\nexport { Journal, backoffDelay };" },
  { file: 'main/cli/x.ts', code: "import { startStoreServer } from '../../server/http/start-server';\nimport { StoreSync } from '../sync/store-sync';\nexport { startStoreServer, StoreSync };" },
  { file: 'server/store/x.ts', code: "import { Pool } from 'pg';\nimport { isoMinorUnits } from '../../preload/contract/minor-units';\nimport type { Change } from '../protocol/sync-protocol';\nexport { Pool, isoMinorUnits };\nexport type { Change };" },
  { file: 'native/sqlite/open-database.ts', code: "import Database = require('better-sqlite3');\nimport path from 'node:path';\nexport { Database, path };" },
  { file: 'native/keychain/x.ts', code: "const keytar = require('keytar');\nexport { keytar };" },
  { file: 'native/serial/x.ts', code: "import { SerialPort } from 'serialport';\nimport { ReadlineParser } from '@serialport/parser-readline';\nexport { SerialPort, ReadlineParser };" },
  { file: 'renderer/x.tsx', code: "import { useState } from 'react';\nimport { createRoot } from 'react-dom/client';\nimport type { TillApi } from '../preload/contract';\nimport { schemas } from '../preload/contract/schemas';\nimport { Till } from './screens/till';\nexport { useState, createRoot, schemas, Till };\nexport type { TillApi };" },
  { file: 'renderer/screens/till.tsx', code: "import qrcode from 'qrcode';\nexport const Till = () => <div>{String(qrcode)}</div>;" },
  { file: 'preload/electron-preload.ts', code: "import { contextBridge, ipcRenderer } from 'electron';\nimport { CHANNELS } from './contract';\nexport { contextBridge, ipcRenderer, CHANNELS };" },
  { file: 'preload/contract.ts', code: "import { schemas } from './contract/schemas';\nexport { schemas };" },
  { file: 'test/integration/x.test.ts', code: "import Database from 'better-sqlite3';\nimport { createElement } from 'react';\nimport { test } from 'node:test';\nimport { TillError } from '../../main/errors';\nimport { App } from '../../renderer/app';\nexport { Database, createElement, test, TillError, App };" },
];

describe('layer boundaries (docs/architecture.md) fire on violations', () => {
  for (const c of violations) {
    test(`${c.file}: ${c.code.split('\n')[0]} -> ${c.rule}`, async () => {
      const messages = await lint(c.file, c.code);
      assert.equal(messages.length, 1, `expected one report, got: ${JSON.stringify(messages)}`);
      const [message] = messages;
      assert.ok(message);
      assert.equal(message.severity, 2);
      assert.ok(message.message.startsWith(`${c.rule}: `), message.message);
      assert.match(message.message, /docs\/architecture\.md/);
      assert.doesNotMatch(message.message, /\n/, 'message is one line');
    });
  }
});

describe('layer boundaries allow what docs/architecture.md allows', () => {
  for (const c of allowed) {
    test(`${c.file}: ${c.code.split('\n')[0]}`, async () => {
      assert.deepEqual(await lint(c.file, c.code), []);
    });
  }
});

describe('eslint config', () => {
  test('ignores build output, dependencies and lint fixtures', async () => {
    for (const p of ['dist/main/cli/till.js', 'release/x.js', 'node_modules/x/index.js', 'test/fixtures/lint/bad.ts']) {
      assert.equal(await eslint.isPathIgnored(path.join(root, p)), true, p);
    }
    assert.equal(await eslint.isPathIgnored(path.join(root, 'main/errors.ts')), false);
  });

  test('uses no type-aware rules (lint stays fast, needs no tsconfig project)', async () => {
    const config = (await eslint.calculateConfigForFile(path.join(root, 'main/errors.ts'))) as Linter.Config;
    const parserOptions = (config.languageOptions?.parserOptions ?? {}) as Record<string, unknown>;
    assert.equal(parserOptions['project'] ?? undefined, undefined);
    assert.equal(parserOptions['projectService'] ?? undefined, undefined);
    const setting: unknown = config.rules?.[RULE_ID];
    assert.equal(Array.isArray(setting) ? setting[0] : setting, 2);
  });
});
