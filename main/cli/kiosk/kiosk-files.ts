import path from 'node:path';

/**
 * What `till setup-kiosk` writes (docs/operations.md, "A kiosk terminal"), as text: a
 * systemd user unit that starts the till with the graphical session and restarts it
 * whenever it ends, and an XDG autostart entry for sessions that do not run
 * graphical-session.target. Pure: the command does the writing.
 */

export const UNIT_NAME = 'alipay-till.service';
export const AUTOSTART_NAME = 'alipay-till.desktop';
/** The deb/AppImage install puts the app here (electron-builder.yml: productName, executableName). */
export const DEFAULT_APP = '/opt/Alipay Till/alipay-till';

/** One ExecStart word: systemd takes double quotes, with \\ and " escaped inside. */
function systemdWord(word: string): string {
  if (!/[\s"\\$%;]/.test(word)) return word;
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

export function kioskUnit(command: readonly string[], what: string): string {
  if (command.length === 0 || !path.isAbsolute(command[0]!)) throw new Error('the kiosk command starts with an absolute path');
  return [
    '# Written by `till setup-kiosk` (docs/operations.md). The till starts with the graphical',
    '# session and comes back whenever it ends: a crash, an update, a kill.',
    '[Unit]',
    `Description=Alipay Till (${what})`,
    'After=graphical-session.target',
    'PartOf=graphical-session.target',
    // A till that fails at once (a broken install) is retried for ever, but not in a tight loop.
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${command.map(systemdWord).join(' ')}`,
    'Restart=always',
    'RestartSec=3',
    '',
    '[Install]',
    'WantedBy=graphical-session.target',
    '',
  ].join('\n');
}

export function autostartEntry(systemctl: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Alipay Till',
    'Comment=Starts the till at login (its systemd user unit restarts it)',
    `Exec=${systemctl} --user start ${UNIT_NAME}`,
    'Terminal=false',
    'NoDisplay=true',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}
