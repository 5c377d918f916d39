import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TillError } from '../../errors';
import { parse, stringOption } from '../args';
import { EXIT, UsageError } from '../output';
import type { CommandContext } from '../command-context';
import { AUTOSTART_NAME, DEFAULT_APP, UNIT_NAME, autostartEntry, kioskUnit } from '../kiosk/kiosk-files';
import { WEB_HOST_NODE_FLAGS } from '../../runtime/host-node-flags';

const USAGE = 'till setup-kiosk --user NAME [--web] [--app PATH] [--root DIR]';
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;

interface Account {
  home: string;
  uid: number;
  gid: number;
}

/** The account from the system's own database (getent: also LDAP/sssd users). */
function account(user: string): Account {
  let line: string;
  try {
    line = execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).trim();
  } catch {
    throw new TillError('KIOSK_USER_UNKNOWN', `there is no user ${user} on this machine: create the kiosk user first (adduser ${user})`, { field: 'user' });
  }
  const [, , uid, gid, , home] = line.split(':');
  return { home: home!, uid: Number(uid), gid: Number(gid) };
}

function write(file: string, text: string, owner: Account | null, written: string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o644 });
  if (owner) fs.chownSync(file, owner.uid, owner.gid);
  written.push(file);
}

/**
 * `till setup-kiosk` (issue 15 §2, docs/operations.md): as root, makes NAME's graphical
 * session start the till and restart it whenever it ends (a systemd user unit, enabled,
 * plus an XDG autostart entry), and adds NAME to `dialout` for the serial printer and
 * display. With --root DIR everything is written under DIR instead (to look at, or for
 * tests) and no account is changed. The keyring at auto-login is a choice the installer
 * makes: see the docs; the command says which.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { values } = parse(ctx.args, { user: { type: 'string' }, web: { type: 'boolean' }, app: { type: 'string' }, root: { type: 'string' } }, { min: 0, max: 0, usage: USAGE });
  const user = stringOption(values, 'user');
  if (user === undefined) throw new UsageError(`--user NAME is the account the kiosk runs as\nusage: ${USAGE}`);
  if (!USER.test(user)) throw new UsageError(`--user must be a Linux user name (lower-case letters, digits, _ and -), got ${JSON.stringify(user.slice(0, 40))}`);
  const root = stringOption(values, 'root');
  if (root === undefined && process.getuid?.() !== 0) {
    throw new TillError('KIOSK_NEEDS_ROOT', 'setup-kiosk writes into the kiosk user\'s home and adds the user to dialout: run it as root (sudo till setup-kiosk …), or give --root DIR to write the files there instead');
  }
  const web = values.web === true;
  const app = path.resolve(stringOption(values, 'app') ?? (web ? process.execPath : DEFAULT_APP));
  if (!fs.existsSync(app)) throw new TillError('KIOSK_APP_MISSING', `${app} does not exist: install the till's package first, or say where it is with --app`, { field: 'app' });
  // The web host: this till's own start-web.js beside this command (dist/main/web), run by Node.
  const command = web ? [app, ...WEB_HOST_NODE_FLAGS, path.resolve(__dirname, '..', '..', 'web', 'start-web.js'), '--customer-window'] : [app];

  const owner = root === undefined ? account(user) : null;
  const home = owner ? owner.home : path.join(path.resolve(root!), 'home', user);
  const userUnits = path.join(home, '.config', 'systemd', 'user');
  const written: string[] = [];
  write(path.join(userUnits, UNIT_NAME), kioskUnit(command, web ? 'web host and Chromium' : 'app'), owner, written);
  write(path.join(home, '.config', 'autostart', AUTOSTART_NAME), autostartEntry('/usr/bin/systemctl'), owner, written);
  // Enabled as `systemctl --user enable` would: a link in the target's wants folder.
  const wants = path.join(userUnits, 'graphical-session.target.wants');
  fs.mkdirSync(wants, { recursive: true });
  fs.rmSync(path.join(wants, UNIT_NAME), { force: true });
  fs.symlinkSync(path.join('..', UNIT_NAME), path.join(wants, UNIT_NAME));
  if (owner) {
    for (const dir of [path.join(home, '.config'), path.join(home, '.config', 'systemd'), userUnits, wants, path.join(home, '.config', 'autostart')]) fs.chownSync(dir, owner.uid, owner.gid);
    fs.lchownSync(path.join(wants, UNIT_NAME), owner.uid, owner.gid);
  }
  written.push(path.join(wants, UNIT_NAME));

  let dialout: 'added' | 'skipped (--root)' = 'skipped (--root)';
  if (owner) {
    execFileSync('usermod', ['-aG', 'dialout', user]);
    dialout = 'added';
  }
  const next = [
    `as ${user}: till config set ui.kiosk true`,
    `as ${user}: till keys … and till devices add … (README: "Install a terminal")`,
    'the keyring at auto-login: docs/operations.md, "The keyring of a kiosk" (PAM with a login password, or an empty keyring password)',
    `as ${user}: till doctor`,
  ];
  ctx.out.result({ ok: true, user, web, files: written, dialout, next });
  for (const file of written) ctx.out.say(`wrote ${file}`);
  ctx.out.say(dialout === 'added' ? `${user} is in dialout (serial ports) from its next login.` : 'dialout: not changed (--root).');
  ctx.out.say(`Next:\n${next.map((n) => `  - ${n}`).join('\n')}`);
  return EXIT.ok;
}
