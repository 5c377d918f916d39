// The `till` command as a user runs it, set-up side: keys (generate, show, import, refuse),
// configuration (list/get/set/unset and bad values), global options (--help, --version,
// unknown commands, --data-dir against TILL_DATA_DIR). Real processes, real SQLite files,
// the real keychain (re-runs itself inside keyring-session.sh). No private key may ever be
// printed or land in the data directory.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ROOT,
  assertDataDirFreeOf,
  assertErrorDoc,
  assertKeys,
  assertNoStack,
  assertTranscriptFreeOf,
  describeRun,
  ensureBuilt,
  expectJson,
  insideKeyringSession,
  removeTempDirs,
  storedPrivateKeys,
  tempDir,
  till,
} from '../support/cli-runner';

const PEM_PUBLIC = /^-----BEGIN PUBLIC KEY-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END PUBLIC KEY-----\n$/;
const FINGERPRINT = /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/;
const COMMANDS = ['sandbox', 'keys', 'config', 'precreate', 'query', 'cancel', 'refund', 'orders', 'order', 'resolve', 'reconcile', 'close-day', 'doctor', 'backup', 'restore'];

if (insideKeyringSession(__filename, 'till CLI keys, config and global option tests')) {
  /** Every private key this file made or the till generated: none may ever be printed. */
  const secrets: string[] = [];
  /** Data directories whose profile had a private key in the keychain. */
  const keyDirs: string[] = [];
  let work: string;

  async function rememberStoredKeys(dataDir: string): Promise<void> {
    for (const pem of await storedPrivateKeys(dataDir)) if (!secrets.includes(pem)) secrets.push(pem);
  }

  before(() => {
    ensureBuilt();
    work = tempDir('till-cli-keys-');
  });
  after(() => removeTempDirs());

  describe('till keys', () => {
    let dataDir: string;
    let base64Dir: string;
    const pkcs1 = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const bare = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1Pem = pkcs1.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const bareBase64 = (bare.privateKey.export({ type: 'pkcs8', format: 'der' }) as Buffer).toString('base64');
    const file = (name: string, text: string) => {
      const full = path.join(work, name);
      fs.writeFileSync(full, text, { mode: 0o600 });
      return full;
    };
    const run = (...args: string[]) => till(args, { dataDir });

    before(() => {
      dataDir = tempDir();
      base64Dir = tempDir();
      keyDirs.push(dataDir, base64Dir);
      secrets.push(pkcs1Pem, bareBase64);
      assert.match(pkcs1Pem, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    });

    test('show-public before any key: KEY_MISSING naming `till keys generate`', async () => {
      const r = await run('keys', 'show-public');
      assert.equal(r.status, 1, describeRun(r));
      assert.match(r.stderr, /till keys generate.*\[KEY_MISSING\]/s);
      assertNoStack(r);
    });

    test('generate: exit 0, the public key and a fingerprint, nothing private', async () => {
      const doc = expectJson(await run('keys', 'generate', '--json'), 0);
      assertKeys(doc, ['ok', 'publicKeyPem', 'fingerprint'], 'keys generate');
      assert.equal(doc.ok, true);
      assert.match(doc.publicKeyPem as string, PEM_PUBLIC);
      assert.match(doc.fingerprint as string, FINGERPRINT);
      await rememberStoredKeys(dataDir);
      assert.equal(secrets.length, 3);

      const shown = await run('keys', 'show-public');
      assert.equal(shown.status, 0, describeRun(shown));
      assert.match(shown.stdout, PEM_PUBLIC);
      assert.equal(shown.stdout, doc.publicKeyPem);
      const json = expectJson(await run('keys', 'show-public', '--json'), 0);
      assert.deepEqual(json, { ok: true, publicKeyPem: doc.publicKeyPem });
    });

    test('generate again refuses to replace the key (KEY_EXISTS) unless --replace', async () => {
      const before = (await run('keys', 'show-public')).stdout;
      const [human, json] = await Promise.all([run('keys', 'generate'), run('keys', 'generate', '--json')]);
      assert.equal(human.status, 1, describeRun(human));
      assert.match(human.stderr, /--replace.*\[KEY_EXISTS\]\n$/s);
      assertNoStack(human);
      assertErrorDoc(expectJson(json, 1), 'KEY_EXISTS', 'merchantPrivateKey');
      assert.equal((await run('keys', 'show-public')).stdout, before);

      const replaced = await run('keys', 'generate', '--replace');
      assert.equal(replaced.status, 0, describeRun(replaced));
      assert.match(replaced.stdout, /New merchant key \(fingerprint [0-9a-f-]{19}\)\. Upload this public key/);
      await rememberStoredKeys(dataDir);
      const after = (await run('keys', 'show-public')).stdout;
      assert.match(after, PEM_PUBLIC);
      assert.notEqual(after, before);
      assert.ok(replaced.stdout.includes(after));
    });

    test('import-private accepts a PKCS#1 PEM made here (with --replace over the existing key)', async () => {
      const pemFile = file('merchant-pkcs1.pem', pkcs1Pem);
      assertErrorDoc(expectJson(await run('keys', 'import-private', pemFile, '--json'), 1), 'KEY_EXISTS', 'merchantPrivateKey');
      const doc = expectJson(await run('keys', 'import-private', pemFile, '--replace', '--json'), 0);
      assertKeys(doc, ['ok', 'fingerprint'], 'keys import-private');
      assert.match(doc.fingerprint as string, FINGERPRINT);
      const shown = await run('keys', 'show-public');
      assert.equal(shown.stdout, pkcs1.publicKey.export({ type: 'spki', format: 'pem' }));
      // The same key again is no replacement.
      const again = await run('keys', 'import-private', pemFile);
      assert.equal(again.status, 0, describeRun(again));
      assert.match(again.stdout, /stored in the OS keychain.*You may now delete/s);
    });

    test('import-private accepts bare base64 (as the Alipay portal gives it) in a fresh data directory', async () => {
      const b64File = file('merchant.txt', `${bareBase64}\n`);
      const doc = expectJson(await till(['keys', 'import-private', b64File, '--json'], { dataDir: base64Dir }), 0);
      assert.match(doc.fingerprint as string, FINGERPRINT);
      const shown = await till(['keys', 'show-public'], { dataDir: base64Dir });
      assert.equal(shown.stdout, bare.publicKey.export({ type: 'spki', format: 'pem' }));
      await rememberStoredKeys(base64Dir);
    });

    test('import-private refuses what is not a key, and unreadable files, without echoing them', async () => {
      const junkText = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ-not-a-key';
      const junk = file('junk.txt', junkText);
      const [bad, missing] = await Promise.all([
        run('keys', 'import-private', junk, '--replace', '--json'),
        run('keys', 'import-private', path.join(work, 'no-such.pem'), '--replace'),
      ]);
      assertErrorDoc(expectJson(bad, 1), 'KEY_INVALID', 'merchantPrivateKey');
      assert.ok(!bad.stdout.includes(junkText));
      assert.equal(missing.status, 1, describeRun(missing));
      assert.match(missing.stderr, /cannot read .*no-such\.pem: ENOENT \[FILE_UNREADABLE\]/);
    });

    test("import-alipay-public refuses the merchant's own key and a private key; takes Alipay's", async () => {
      const own = file('own-public.pem', (await run('keys', 'show-public')).stdout);
      const ownDoc = expectJson(await run('keys', 'import-alipay-public', own, '--json'), 1);
      assert.match(assertErrorDoc(ownDoc, 'KEY_INVALID', 'alipayPublicKey').message, /merchant's own public key/);

      const privateFile = file('alipay-by-mistake.pem', pkcs1Pem);
      const privateDoc = expectJson(await run('keys', 'import-alipay-public', privateFile, '--json'), 1);
      assert.match(assertErrorDoc(privateDoc, 'KEY_INVALID', 'alipayPublicKey').message, /is a private key/);

      const status = expectJson(await run('keys', 'status', '--json'), 0);
      assert.equal((status.alipayPublicKey as { present: boolean }).present, false);

      const alipayFile = file('alipay.txt', (alipay.publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64'));
      const doc = expectJson(await run('keys', 'import-alipay-public', alipayFile, '--json'), 0);
      assertKeys(doc, ['ok', 'fingerprint'], 'keys import-alipay-public');
    });

    test('keys status --json: the documented keys, presence and fingerprints only', async () => {
      const doc = expectJson(await run('keys', 'status', '--json'), 0);
      assertKeys(
        doc,
        ['ok', 'merchantPrivateKey', 'alipayPublicKey', 'merchantKeyPairConsistent', 'alipayKeyIsMerchantKey', 'supervisorPinSet', 'isvTokenSet'],
        'keys status',
      );
      for (const name of ['merchantPrivateKey', 'alipayPublicKey']) {
        assertKeys(doc[name], ['present', 'valid', 'fingerprint'], name);
        assert.equal((doc[name] as { valid: boolean }).valid, true);
      }
      assert.equal(doc.merchantKeyPairConsistent, true);
      assert.equal(doc.alipayKeyIsMerchantKey, false);
    });

    test('unknown or missing verbs are usage errors that create no data directory', async () => {
      const nowhere = path.join(work, 'not-created');
      for (const args of [['keys'], ['keys', 'genrate'], ['config'], ['config', 'lst'], ['config', 'get'], ['config', 'set', 'locale']]) {
        const r = await till(['--data-dir', nowhere, ...args]);
        assert.equal(r.status, 2, describeRun(r));
        assert.match(r.stderr, /usage: till (keys|config) /);
        assertNoStack(r);
      }
      assert.equal(fs.existsSync(nowhere), false);
    });
  });

  describe('till config', () => {
    let dataDir: string;
    const run = (...args: string[]) => till(args, { dataDir });
    before(() => {
      dataDir = tempDir();
    });

    test('list --json: every key with value, default flag, optional flag and description', async () => {
      const doc = expectJson(await run('config', 'list', '--json'), 0);
      assertKeys(doc, ['ok', 'config'], 'config list');
      const rows = doc.config as Record<string, unknown>[];
      assert.ok(rows.length > 20);
      for (const row of rows) assertKeys(row, ['key', 'value', 'isDefault', 'optional', 'description'], `config row ${String(row.key)}`);
      const byKey = new Map(rows.map((r) => [r.key, r]));
      assert.deepEqual(byKey.get('gateway.baseUrl'), { ...byKey.get('gateway.baseUrl'), value: 'http://127.0.0.1:8787', isDefault: true, optional: false });
      assert.equal(byKey.get('currency.default')?.value, 'USD');
      assert.equal(byKey.get('notifyUrl')?.optional, true);

      const human = await run('config', 'list');
      assert.equal(human.status, 0);
      for (const row of rows) assert.match(human.stdout, new RegExp(`^${String(row.key).replace(/\./g, '\\.')} `, 'm'));
    });

    test('get / set / unset: the documented keys; a set value is read back, unset restores the default', async () => {
      const got = expectJson(await run('config', 'get', 'store.name', '--json'), 0);
      assert.deepEqual(got, { ok: true, key: 'store.name', value: 'Sandbox Store #1', isDefault: true });

      const set = expectJson(await run('config', 'set', 'store.name', 'Café 咖啡 #2', '--json'), 0);
      assert.deepEqual(set, { ok: true, key: 'store.name', value: 'Café 咖啡 #2' });
      assert.deepEqual(expectJson(await run('config', 'get', 'store.name', '--json'), 0), { ok: true, key: 'store.name', value: 'Café 咖啡 #2', isDefault: false });
      const human = await run('config', 'get', 'store.name');
      assert.equal(human.stdout, 'Café 咖啡 #2\n');

      const unset = expectJson(await run('config', 'unset', 'store.name', '--json'), 0);
      assert.deepEqual(unset, { ok: true, key: 'store.name', removed: true });
      assert.deepEqual(expectJson(await run('config', 'unset', 'store.name', '--json'), 0), { ok: true, key: 'store.name', removed: false });
      assert.equal((await run('config', 'get', 'store.name')).stdout, 'Sandbox Store #1\n');
    });

    const BAD: [string[], string, string][] = [
      [['set', 'gateway.baseUrl', 'http://example.com'], 'CONFIG_INVALID', 'gateway.baseUrl'],
      [['set', 'gateway.baseUrl', 'not a url'], 'CONFIG_INVALID', 'gateway.baseUrl'],
      [['set', 'currency.default', 'XYZ'], 'CONFIG_INVALID', 'currency.default'],
      [['set', 'gateway.timeoutMs', '10'], 'CONFIG_INVALID', 'gateway.timeoutMs'],
      [['set', 'no.such.key', '1'], 'CONFIG_UNKNOWN_KEY', 'no.such.key'],
      [['get', 'no.such.key'], 'CONFIG_UNKNOWN_KEY', 'no.such.key'],
      [['unset', 'no.such.key'], 'CONFIG_UNKNOWN_KEY', 'no.such.key'],
    ];
    for (const [args, code, key] of BAD) {
      test(`config ${args.join(' ')}: exit 1 ${code} naming ${key}, nothing stored`, async () => {
        const [human, json] = await Promise.all([run('config', ...args), run('config', ...args, '--json')]);
        assert.equal(human.status, 1, describeRun(human));
        assert.ok(human.stderr.includes(key), human.stderr);
        assert.match(human.stderr, new RegExp(`\\[${code}\\]\\n$`));
        assert.equal(human.stdout, '');
        assertNoStack(human);
        const error = assertErrorDoc(expectJson(json, 1), code, key);
        assert.ok(error.message.includes(key));
      });
    }

    test('after the refused values the defaults still apply', async () => {
      const rows = (expectJson(await run('config', 'list', '--json'), 0).config as { key: string; value: string; isDefault: boolean }[]).filter((r) => !r.isDefault);
      // profile.mode is stored at the first open (said, never defaulted): sandbox, untouched.
      assert.deepEqual(rows.map((r) => [r.key, r.value]), [['profile.mode', 'sandbox']]);
    });

    test('a key generated in this data directory never lands in its files', async () => {
      expectJson(await run('keys', 'generate', '--json'), 0);
      await rememberStoredKeys(dataDir);
      keyDirs.push(dataDir);
      assertDataDirFreeOf(dataDir, secrets);
    });
  });

  describe('global options', () => {
    test('--help (and -h, help) exits 0 and names every command; no command at all is exit 2', async () => {
      const [help, short, word, none, noneJson] = await Promise.all([till(['--help']), till(['-h']), till(['help']), till([]), till(['--json'])]);
      for (const r of [help, short, word]) {
        assert.equal(r.status, 0, describeRun(r));
        assert.equal(r.stdout, help.stdout);
        assert.equal(r.stderr, '');
      }
      for (const command of COMMANDS) assert.match(help.stdout, new RegExp(`^ {2}${command}\\b`, 'm'), command);
      assert.match(help.stdout, /^Exit codes: 0 done, 1 error, 2 usage, 3 outcome unknown \(resolved later\), 4 declined, 5 not paid\.$/m);
      assert.match(help.stdout, /--no-wait/);
      assert.equal(none.status, 2);
      assert.equal(none.stdout, help.stdout);
      // --json always means one JSON document, even with the command missing.
      assertErrorDoc(expectJson(noneJson, 2), 'USAGE');
    });

    test('each command has its own usage: `till precreate --help`, `till help refund`, `till keys -h`; an unknown one is exit 2', async () => {
      const [precreate, refund, keys, unknown] = await Promise.all([till(['precreate', '--help']), till(['help', 'refund']), till(['keys', '-h']), till(['frobnicate', '--help'])]);
      for (const r of [precreate, refund, keys]) {
        assert.equal(r.status, 0, describeRun(r));
        assert.match(r.stdout, /^Global options$/m);
      }
      assert.match(precreate.stdout, /^usage: till \[--data-dir DIR\] \[--json\] precreate/);
      assert.match(precreate.stdout, /--no-wait/);
      assert.doesNotMatch(precreate.stdout, /^ {2}refund /m, 'only its own entry');
      assert.match(refund.stdout, /^ {2}refund ID --amount/m);
      assert.match(keys.stdout, /set-isv-token/, 'an entry\'s continuation lines come with it');
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /unknown command "frobnicate"/);
    });

    test('--version prints the version from package.json', async () => {
      const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
      const r = await till(['--version']);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, `${version}\n`);
    });

    test('an unknown command is exit 2, also with --json', async () => {
      const [human, json] = await Promise.all([till(['frobnicate']), till(['--json', 'frobnicate'])]);
      assert.equal(human.status, 2, describeRun(human));
      assert.match(human.stderr, /^till: unknown command "frobnicate"\nRun `till --help` for usage\.\n$/);
      assert.equal(human.stdout, '');
      assert.match(assertErrorDoc(expectJson(json, 2), 'USAGE', null).message, /frobnicate/);
    });

    test('sandbox with a bad --port is a usage error (exit 2)', async () => {
      const dataDir = tempDir();
      for (const port of ['70000', '', '0x50', '-1']) {
        const r = await till(['sandbox', `--port=${port}`], { dataDir });
        assert.equal(r.status, 2, describeRun(r));
        assert.match(r.stderr, /--port must be 0\.\.65535/);
      }
    });

    test('--data-dir and TILL_DATA_DIR both choose the data directory; the flag wins', async () => {
      const fromEnv = tempDir();
      const fromFlag = path.join(tempDir(), 'nested', 'till');
      const env = { dataDir: fromEnv };
      expectJson(await till(['config', 'set', 'store.id', 'ENV-STORE', '--json'], env), 0);
      expectJson(await till(['--data-dir', fromFlag, 'config', 'set', 'store.id', 'FLAG-STORE', '--json'], env), 0);
      assert.ok(fs.existsSync(path.join(fromEnv, 'till.sqlite')));
      assert.ok(fs.existsSync(path.join(fromFlag, 'till.sqlite')), 'the flag creates its directory');
      assert.equal(fs.statSync(fromFlag).mode & 0o777, 0o700);

      const value = async (args: string[], options: { dataDir?: string }) => expectJson(await till([...args, '--json'], options), 0).value;
      assert.equal(await value(['config', 'get', 'store.id'], env), 'ENV-STORE');
      assert.equal(await value(['--data-dir', fromFlag, 'config', 'get', 'store.id'], env), 'FLAG-STORE');
      assert.equal(await value(['config', 'get', 'store.id', `--data-dir=${fromFlag}`], env), 'FLAG-STORE');
      assert.equal(await value(['--data-dir', fromFlag, 'config', 'get', 'store.id'], {}), 'FLAG-STORE');

      const doctor = expectJson(await till(['doctor', '--json', '--data-dir', fromFlag], env), 1);
      const data = (doctor.checks as { name: string; detail: string }[]).find((c) => c.name === 'data');
      assert.ok(data?.detail.startsWith(`${fromFlag} (profile `), data?.detail);

      const [empty, dangling] = await Promise.all([till(['--data-dir', '', 'config', 'list'], env), till(['config', 'list', '--data-dir'], env)]);
      assert.equal(empty.status, 1, describeRun(empty));
      assert.match(empty.stderr, /\[DATA_DIR_INVALID\]/);
      assert.equal(dangling.status, 2, describeRun(dangling));
      assert.match(dangling.stderr, /--data-dir needs a directory/);
    });
  });

  describe('secrets', () => {
    test("no private key (PEM marker, body or exponent) in any output of this file's processes", () => {
      assert.ok(secrets.length >= 6, `${secrets.length} keys`);
      assertTranscriptFreeOf(secrets);
    });

    test('no private key in the files (SQLite and its journal) of the data directories that held keys', () => {
      assert.equal(keyDirs.length, 3);
      for (const dir of keyDirs) assertDataDirFreeOf(dir, secrets);
    });
  });
}
