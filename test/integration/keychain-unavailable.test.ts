// Without a usable Secret Service every keychain call rejects, quickly, with
// KEYCHAIN_UNAVAILABLE and advice, never with a plaintext fallback and never with the
// secret in the message. Each case runs in a child process with its own D-Bus situation,
// because libsecret keeps its bus connection for the life of a process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');
const secret = `S3cret-${randomBytes(12).toString('hex')}`;
const privatePem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const pemBody = privatePem.split('\n')[1] ?? '';
const home = mkdtempSync(path.join(tmpdir(), 'till-keychain-unavailable-'));
after(() => rmSync(home, { recursive: true, force: true }));

interface Outcome {
  ok?: true;
  value?: unknown;
  name?: string;
  code?: string;
  reason?: string;
  message?: string;
  causeMessage?: string;
  ms?: number;
}

/** Runs every keychain entry point in the child and reports how each ended. */
const CHILD = `
const { createKeychain } = require(${JSON.stringify(path.join(root, 'native/keychain/index.ts'))});
const { KeyVault } = require(${JSON.stringify(path.join(root, 'main/config/key-vault.ts'))});
const secret = process.env.TEST_SECRET, pem = process.env.TEST_PEM;
const steps = {
  get: (s) => s.get('merchant-private-key'),
  set: (s) => s.set('merchant-private-key', secret),
  delete: (s) => s.delete('merchant-private-key'),
  probe: (s) => s.probe(),
  vaultGet: (s) => new KeyVault(s).getMerchantPrivateKey(),
  vaultImport: (s) => new KeyVault(s).importMerchantPrivateKey(pem),
  vaultToken: (s) => new KeyVault(s).setIsvToken(secret),
};
(async () => {
  const out = {};
  for (const [name, run] of Object.entries(steps)) {
    const started = Date.now();
    try {
      out[name] = { ok: true, value: await run(createKeychain('shop-1', { timeoutMs: 8000 })) };
    } catch (e) {
      out[name] = { name: e.name, code: e.code, reason: e.reason, message: e.message,
        causeMessage: e.cause instanceof Error ? e.cause.message : undefined, ms: Date.now() - started };
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_RUNTIME_DIR: home, TEST_SECRET: secret, TEST_PEM: privatePem, ...extra };
  for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'TILL_KEYRING_SESSION', 'NODE_TEST_CONTEXT', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

function runChild(command: string[], env: NodeJS.ProcessEnv): Record<string, Outcome> {
  const [file = '', ...args] = [...command, process.execPath, '--import', 'tsx', '-e', CHILD];
  const run = spawnSync(file, args, { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, `child failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, Outcome>;
}

function assertAllUnavailable(outcomes: Record<string, Outcome>, reason: string, advice: RegExp): void {
  for (const [step, outcome] of Object.entries(outcomes)) {
    assert.equal(outcome.code, 'KEYCHAIN_UNAVAILABLE', `${step} did not fail with KEYCHAIN_UNAVAILABLE: ${JSON.stringify(outcome)}`);
    assert.equal(outcome.name, step.startsWith('vault') ? 'TillError' : 'KeychainUnavailableError', step);
    if (!step.startsWith('vault')) assert.equal(outcome.reason, reason, step);
    assert.match(outcome.message ?? '', advice, step);
    assert.ok((outcome.ms ?? Infinity) < 5000, `${step} took ${outcome.ms} ms`);
    for (const text of [outcome.message ?? '', outcome.causeMessage ?? '']) {
      assert.ok(!text.includes(secret), `${step} leaks the secret`);
      assert.ok(!text.includes(pemBody.slice(0, 24)), `${step} leaks key material`);
    }
  }
}

describe('no usable Secret Service → KEYCHAIN_UNAVAILABLE, fast, without secrets', () => {
  test('session bus address points nowhere (unix:path=/nonexistent, no DISPLAY)', () => {
    const outcomes = runChild([], childEnv({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' }));
    assertAllUnavailable(outcomes, 'no-session-bus', /No D-Bus session bus is reachable.*apt-get install -y gnome-keyring dbus/);
  });

  test('no session bus at all and no DISPLAY to autolaunch one', () => {
    const env = childEnv({});
    delete env.DBUS_SESSION_BUS_ADDRESS;
    assertAllUnavailable(runChild([], env), 'no-session-bus', /dbus-run-session/);
  });

  test('a session bus on which nobody provides the Secret Service', () => {
    // session.conf without <standard_session_servicedirs/>: nothing can be activated.
    const config = path.join(home, 'bus-without-services.conf');
    writeFileSync(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${home}</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>`,
    );
    const outcomes = runChild(['dbus-run-session', `--config-file=${config}`, '--'], childEnv({}));
    assertAllUnavailable(outcomes, 'no-secret-service', /No Secret Service is reachable on D-Bus: start gnome-keyring/);
  });

  test('a Secret Service whose keyring is not unlocked: reads reject instead of answering "not found"', () => {
    // D-Bus activation starts gnome-keyring-daemon, but nobody unlocks (or creates) the login
    // keyring and no prompt can be shown: libsecret then reports items as absent.
    const outcomes = runChild(['dbus-run-session', '--'], childEnv({ XDG_DATA_HOME: path.join(home, 'locked-data') }));
    assertAllUnavailable(outcomes, 'locked', /keyring is locked.*--unlock/);
  });
});
