import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chromiumArgs, CHROMIUM_ENV, displayProblem, findChromium, type LookupSystem } from '../../main/web/chromium';

const WINDOW = { url: 'http://127.0.0.1:4000/#token=abc', userDataDir: '/data/chromium/till', kiosk: false, asRoot: false };

function system(env: NodeJS.ProcessEnv, executables: string[]): LookupSystem {
  return { env, isExecutable: (file) => executables.includes(file) };
}

describe('chromiumArgs', () => {
  test('app mode on the URL, its own profile, and the quiet flags of docs/protocol.md §9', () => {
    const args = chromiumArgs(WINDOW);
    assert.equal(args[0], '--app=http://127.0.0.1:4000/#token=abc');
    assert.ok(args.includes('--user-data-dir=/data/chromium/till'));
    for (const flag of ['--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-gpu']) {
      assert.ok(args.includes(flag), flag);
    }
    assert.ok(args.includes('--password-store=basic'), 'Chromium keeps its own secrets out of the till keychain');
  });

  test('--kiosk only when ui.kiosk is set', () => {
    assert.ok(!chromiumArgs(WINDOW).includes('--kiosk'));
    assert.ok(chromiumArgs({ ...WINDOW, kiosk: true }).includes('--kiosk'));
  });

  test('--no-sandbox only as root', () => {
    assert.ok(!chromiumArgs(WINDOW).includes('--no-sandbox'));
    assert.ok(chromiumArgs({ ...WINDOW, asRoot: true }).includes('--no-sandbox'));
  });

  test('the URL stays one argument, whatever it holds', () => {
    const url = 'http://127.0.0.1:4000/#/customer?token=a b --kiosk';
    const args = chromiumArgs({ ...WINDOW, url });
    assert.equal(args[0], `--app=${url}`);
    assert.ok(!args.includes('--kiosk'));
  });
});

describe('findChromium', () => {
  test(`${CHROMIUM_ENV} wins, and only it is tried when set`, () => {
    assert.deepEqual(findChromium(system({ [CHROMIUM_ENV]: '/opt/c/chrome', PATH: '/usr/bin' }, ['/opt/c/chrome', '/usr/bin/chromium'])), { ok: true, executable: '/opt/c/chrome' });
    const missing = findChromium(system({ [CHROMIUM_ENV]: '/opt/none', PATH: '/usr/bin' }, ['/usr/bin/chromium']));
    assert.equal(missing.ok, false);
    assert.match(!missing.ok ? missing.reason : '', /TILL_CHROMIUM=\/opt\/none is not an executable/);
  });

  test('/usr/bin/chromium first, then the names on PATH in order', () => {
    assert.deepEqual(findChromium(system({ PATH: '/bin' }, ['/usr/bin/chromium', '/bin/google-chrome'])), { ok: true, executable: '/usr/bin/chromium' });
    assert.deepEqual(findChromium(system({ PATH: '/a:/b' }, ['/b/chromium-browser', '/a/google-chrome'])), { ok: true, executable: '/b/chromium-browser' });
    assert.deepEqual(findChromium(system({ PATH: '/a' }, ['/a/google-chrome-stable'])), { ok: true, executable: '/a/google-chrome-stable' });
  });

  test('relative PATH entries are ignored (a Chromium planted in the working directory is not run)', () => {
    assert.equal(findChromium(system({ PATH: '.:bin' }, ['chromium', 'bin/chromium'])).ok, false);
  });

  test('none found: a reason that says what was tried and how to point at one', () => {
    const found = findChromium(system({ PATH: '/usr/bin' }, []));
    assert.equal(found.ok, false);
    assert.match(!found.ok ? found.reason : '', /no Chromium found .*TILL_CHROMIUM/);
  });
});

describe('displayProblem', () => {
  test('X11 or Wayland is enough; neither (or empty) is a reason', () => {
    assert.equal(displayProblem({ DISPLAY: ':99' }), null);
    assert.equal(displayProblem({ WAYLAND_DISPLAY: 'wayland-0' }), null);
    assert.match(displayProblem({ DISPLAY: '' }) ?? '', /no display/);
    assert.match(displayProblem({}) ?? '', /no display/);
  });
});
