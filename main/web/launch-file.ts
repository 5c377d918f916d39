import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * How a screen's URL reaches Chromium without its token on the command line (issue 11 §3):
 * a command line is readable by every local user in `ps`, so Chromium is given a small
 * page in the data directory, readable only by the till's user (0600 in a 0700 folder),
 * that sends the window on to the screen's address with its token. The files are removed
 * when the host stops.
 */

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The launch page's text: an immediate refresh to `url`, sending no referrer. */
export function launchPage(url: string): string {
  return (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
    `<meta http-equiv="refresh" content="0;url=${escapeAttribute(url)}"><title>Alipay Till</title></head><body></body></html>\n`
  );
}

/** Writes `<dir>/<name>.html` (created afresh, 0600; `dir` 0700) and returns its file:// URL. */
export function writeLaunchFile(dir: string, name: string, url: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, `${name}.html`);
  // Removed first, then created exclusively: a file (or link) left there by someone else is never written through.
  fs.rmSync(file, { force: true });
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, launchPage(url));
  } finally {
    fs.closeSync(fd);
  }
  return pathToFileURL(file).href;
}

/** Writes the screens' addresses as JSON to `file` for a program that started the host (0600, created afresh). */
export function writeUrlFile(file: string, urls: Record<string, string>): void {
  fs.rmSync(file, { force: true });
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(urls)}\n`);
  } finally {
    fs.closeSync(fd);
  }
}

export function removeLaunchFiles(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
