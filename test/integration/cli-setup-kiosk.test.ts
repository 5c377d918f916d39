// `till setup-kiosk` (issue 15 §2) as a real process writing into --root: the systemd user
// unit and the XDG autostart entry, each validated by Debian's own tools
// (`systemd-analyze verify`, `desktop-file-validate`), the unit enabled by its link, an
// app path with a space quoted as systemd reads it; bad input refused by name.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertErrorDoc, ensureBuilt, expectJson, removeTempDirs, tempDir, till } from '../support/cli-runner';

function validates(tool: string, args: string[], cwd: string): void {
  const run = spawnSync(tool, args, { encoding: 'utf8', cwd });
  assert.equal(run.status, 0, `${tool} ${args.join(' ')}:\n${run.stdout}${run.stderr}`);
}

describe('till setup-kiosk', { timeout: 120_000 }, () => {
  before(() => ensureBuilt());
  after(() => removeTempDirs());

  test('the app: a unit that restarts always, enabled for the session, and an autostart entry; both valid by Debian\'s tools', async () => {
    const root = tempDir('till-kiosk-');
    // An install path with a space, as the deb's "/opt/Alipay Till/alipay-till".
    const appDir = path.join(tempDir('till-kiosk-app-'), 'Alipay Till');
    fs.mkdirSync(appDir);
    const app = path.join(appDir, 'alipay-till');
    fs.symlinkSync(process.execPath, app);
    const doc = expectJson(await till(['--json', 'setup-kiosk', '--user', 'kiosk', '--root', root, '--app', app]), 0);
    const home = path.join(root, 'home', 'kiosk');
    const unit = path.join(home, '.config/systemd/user/alipay-till.service');
    const desktop = path.join(home, '.config/autostart/alipay-till.desktop');
    assert.deepEqual((doc.files as string[]).sort(), [desktop, unit, path.join(home, '.config/systemd/user/graphical-session.target.wants/alipay-till.service')].sort());
    const text = fs.readFileSync(unit, 'utf8');
    assert.match(text, /^Restart=always$/m);
    assert.match(text, new RegExp(`^ExecStart="${app.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"$`, 'm'));
    assert.equal(fs.realpathSync(path.join(home, '.config/systemd/user/graphical-session.target.wants/alipay-till.service')), fs.realpathSync(unit));
    validates('systemd-analyze', ['verify', unit], root);
    validates('desktop-file-validate', [desktop], root);
    assert.equal(doc.dialout, 'skipped (--root)');
  });

  test('--web: Node runs this till\'s web host; the unit is valid too', async () => {
    const root = tempDir('till-kiosk-');
    const doc = expectJson(await till(['--json', 'setup-kiosk', '--user', 'kiosk', '--web', '--root', root]), 0);
    const unit = (doc.files as string[]).find((f) => f.endsWith('.service') && !f.includes('.wants'))!;
    assert.match(fs.readFileSync(unit, 'utf8'), /^ExecStart=\S*node\S* --max-semi-space-size=2 \S*dist\/main\/web\/start-web\.js --customer-window$/m);
    validates('systemd-analyze', ['verify', unit], root);
  });

  test('a unit naming a program that is not there fails systemd\'s own check (the test can tell)', () => {
    const dir = tempDir('till-kiosk-');
    const unit = path.join(dir, 'broken.service');
    fs.writeFileSync(unit, '[Service]\nExecStart=/nonexistent/alipay-till\n');
    assert.notEqual(spawnSync('systemd-analyze', ['verify', unit], { cwd: dir }).status, 0);
    assert.ok(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).length > 0);
  });

  test('bad input: no user, a user name that is not one, an app that is not installed', async () => {
    const root = tempDir('till-kiosk-');
    assert.equal((await till(['setup-kiosk', '--root', root])).status, 2);
    const bad = await till(['setup-kiosk', '--user', 'Kiosk;rm', '--root', root]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--user must be a Linux user name/);
    assertErrorDoc(expectJson(await till(['--json', 'setup-kiosk', '--user', 'kiosk', '--root', root, '--app', '/nonexistent/alipay-till']), 1), 'KIOSK_APP_MISSING', 'app');
    assert.deepEqual(fs.readdirSync(root), [], 'nothing written');
  });
});
