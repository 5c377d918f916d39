import fs from 'node:fs';
import path from 'node:path';
import { APP_ORIGIN } from './app-origin';

/**
 * The supervisor's CSV export is a download of a blob our page made. A till in kiosk mode
 * has no file chooser a cashier should meet, so exports are saved without a dialog into one
 * folder (<Downloads>/Alipay Till), never over an earlier file; any other download (a link
 * that slipped through, a page of someone else's) is cancelled.
 */

export interface DownloadItemLike {
  getURL(): string;
  getFilename(): string;
  setSavePath(file: string): void;
  cancel(): void;
}

export interface DownloadingSession {
  on(event: 'will-download', listener: (event: { preventDefault(): void }, item: DownloadItemLike) => void): unknown;
}

export const EXPORT_FOLDER_NAME = 'Alipay Till';

export function isOwnExport(url: string): boolean {
  return url.startsWith(`blob:${APP_ORIGIN}/`);
}

/** The name the page asked for, as a plain file name: no folders, no dot files, nothing unprintable. */
export function exportFileName(asked: string): string {
  const base = asked.split(/[\\/]/).pop() ?? '';
  const safe = base.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(0, 100);
  return safe === '' ? 'export.csv' : safe;
}

/** `name`, or `name (2)`, `name (3)`, … before the extension: the first that does not exist yet. */
export function freePath(dir: string, name: string, exists: (file: string) => boolean = fs.existsSync): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const file = path.join(dir, n === 1 ? name : `${stem} (${n})${ext}`);
    if (!exists(file)) return file;
  }
}

export function saveExportsWithoutDialog(session: DownloadingSession, options: { folder: () => string; log: (line: string) => void }): void {
  session.on('will-download', (_event, item) => {
    if (!isOwnExport(item.getURL())) {
      options.log(`download refused: ${item.getURL().slice(0, 120)}`);
      item.cancel();
      return;
    }
    try {
      const dir = options.folder();
      fs.mkdirSync(dir, { recursive: true });
      const file = freePath(dir, exportFileName(item.getFilename()));
      item.setSavePath(file);
      options.log(`export saved to ${file}`);
    } catch (error) {
      options.log(`export not saved: ${error instanceof Error ? error.message : String(error)}`);
      item.cancel();
    }
  });
}
