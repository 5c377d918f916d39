import fs from 'node:fs';
import path from 'node:path';

/**
 * Which paths a printer or display may be configured at (issue 11 §8): serial devices
 * only. The till writes ESC/POS bytes to what it is given, so a supervisor screen must not
 * be able to point it at a file (`/etc/passwd`, the till's own database) or a directory.
 *
 * Accepted: `/dev/tty*` (ttyUSB0, ttyS0, ttyACM0…), `/dev/serial/by-id/…` and
 * `/dev/serial/by-path/…` (udev's stable names), `/dev/pts/N` (a pseudo-terminal, e.g. a
 * virtual printer), `/dev/cu.*` and `/dev/rfcomm*` (macOS, Bluetooth serial), `COMn` or
 * `\\.\COMn` on Windows; and a link elsewhere (another udev rule, a test's socat link) only
 * when it resolves, now, to one of those /dev names.
 */

const DEVICE_NAME = /^\/dev\/(?:tty[A-Za-z0-9_.-]*|serial\/by-(?:id|path)\/[^/]+|pts\/\d+|cu\.[^/]+|rfcomm\d+)$/;
const WINDOWS_PORT = /^(?:\\\\\.\\)?COM[1-9]\d{0,2}$/i;

export const DEVICE_PATH_HINT = '/dev/ttyUSB0, /dev/serial/by-id/…, /dev/pts/N (or a link to one), or COM3 on Windows';

function isDeviceName(p: string): boolean {
  return DEVICE_NAME.test(p) && path.posix.normalize(p) === p && !p.split('/').includes('..');
}

/** Why `p` is not a serial device path, or undefined when it is. `realpath` is injectable for tests. */
export function devicePathProblem(p: string, realpath: (p: string) => string = fs.realpathSync.native): string | undefined {
  if (WINDOWS_PORT.test(p) || isDeviceName(p)) return undefined;
  if (!path.isAbsolute(p) || path.normalize(p) !== p) return `path must be a serial device (${DEVICE_PATH_HINT}), got ${JSON.stringify(p)}`;
  let target: string;
  try {
    target = realpath(p);
  } catch {
    return `path ${JSON.stringify(p)} is neither a serial device name (${DEVICE_PATH_HINT}) nor a link to one that exists now`;
  }
  return isDeviceName(target) ? undefined : `path ${JSON.stringify(p)} leads to ${JSON.stringify(target)}, which is not a serial device (${DEVICE_PATH_HINT})`;
}
