// What the Electron host does when a screen's renderer dies, and where the supervisor's CSV
// export goes: the real handlers, called through stand-ins for Electron's objects.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { exportFileName, freePath, isOwnExport, saveExportsWithoutDialog, type DownloadItemLike } from '../../main/electron/export-downloads';
import { reloadWhenGone, type GoneDetails } from '../../main/electron/reload-when-gone';
import { preventable } from './electron-fakes';

class FakeContents extends EventEmitter {
  reloads = 0;
  destroyed = false;
  reload(): void {
    this.reloads += 1;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  gone(details: GoneDetails): void {
    this.emit('render-process-gone', preventable({}), details);
  }
}

function watched(contents: FakeContents) {
  let clock = 0;
  const log: string[] = [];
  const scheduled: Array<{ run: () => void; ms: number }> = [];
  reloadWhenGone(contents, {
    name: 'till',
    log: (line) => log.push(line),
    now: () => clock,
    schedule: (run, ms) => scheduled.push({ run, ms }),
    policy: { delayMs: 1_000, maxReloads: 3, windowMs: 60_000 },
  });
  const runScheduled = () => {
    for (const job of scheduled.splice(0)) job.run();
  };
  return { log, scheduled, runScheduled, advance: (ms: number) => (clock += ms) };
}

describe('a screen whose renderer dies', () => {
  test('is reloaded after the delay, and the log names the screen and the reason', () => {
    const contents = new FakeContents();
    const w = watched(contents);
    contents.gone({ reason: 'crashed', exitCode: 139 });
    assert.deepEqual(
      w.scheduled.map((job) => job.ms),
      [1_000],
    );
    assert.equal(contents.reloads, 0, 'not before the delay');
    w.runScheduled();
    assert.equal(contents.reloads, 1);
    assert.deepEqual(w.log, ['the till screen stopped (crashed, exit 139); reloading it']);
  });

  test('a clean exit (the window closing) is not a crash', () => {
    const contents = new FakeContents();
    const w = watched(contents);
    contents.gone({ reason: 'clean-exit' });
    assert.equal(w.scheduled.length, 0);
    assert.deepEqual(w.log, []);
  });

  test('a page that keeps dying is not reloaded in a loop; it is again once the window of time has passed', () => {
    const contents = new FakeContents();
    const w = watched(contents);
    for (let i = 0; i < 4; i++) {
      contents.gone({ reason: 'oom' });
      w.runScheduled();
      w.advance(5_000);
    }
    assert.equal(contents.reloads, 3);
    assert.match(w.log.at(-1)!, /^the till screen stopped again \(oom\); 3 reloads in the last 60 s, not reloading it$/);
    w.advance(60_000);
    contents.gone({ reason: 'killed' });
    w.runScheduled();
    assert.equal(contents.reloads, 4);
  });

  test('a window destroyed meanwhile is not reloaded', () => {
    const contents = new FakeContents();
    const w = watched(contents);
    contents.gone({ reason: 'crashed' });
    contents.destroyed = true;
    w.runScheduled();
    assert.equal(contents.reloads, 0);
  });
});

class FakeDownload implements DownloadItemLike {
  savePath: string | null = null;
  cancelled = false;
  constructor(
    private readonly url: string,
    private readonly filename: string,
  ) {}
  getURL(): string {
    return this.url;
  }
  getFilename(): string {
    return this.filename;
  }
  setSavePath(file: string): void {
    this.savePath = file;
  }
  cancel(): void {
    this.cancelled = true;
  }
}

describe('the CSV export in the Electron host', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'till-exports-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const OWN = 'blob:app://till/6f1c2d9e-0000-4000-8000-000000000001';

  function session(folder: string) {
    const emitter = new EventEmitter();
    const log: string[] = [];
    saveExportsWithoutDialog(emitter, { folder: () => folder, log: (line) => log.push(line) });
    const download = (item: FakeDownload) => emitter.emit('will-download', preventable({}), item);
    return { download, log };
  }

  test('only a blob of our own page is an export', () => {
    assert.equal(isOwnExport(OWN), true);
    for (const url of ['https://example.com/x.csv', 'blob:https://example.com/1', 'blob:app://evil/1', 'app://till/index.html', 'file:///etc/passwd', 'blob:app://till.example/1']) {
      assert.equal(isOwnExport(url), false, url);
    }
  });

  test('is saved without a dialog into the export folder (created), never over an earlier export', () => {
    const folder = path.join(root, 'Downloads', 'Alipay Till');
    const s = session(folder);
    const first = new FakeDownload(OWN, 'reconcile-2026-11-26.csv');
    s.download(first);
    assert.equal(first.savePath, path.join(folder, 'reconcile-2026-11-26.csv'));
    assert.ok(fs.statSync(folder).isDirectory());
    fs.writeFileSync(first.savePath!, 'day,currency\n');
    const second = new FakeDownload(OWN, 'reconcile-2026-11-26.csv');
    s.download(second);
    assert.equal(second.savePath, path.join(folder, 'reconcile-2026-11-26 (2).csv'));
    assert.equal(fs.readFileSync(first.savePath!, 'utf8'), 'day,currency\n', 'the earlier export is untouched');
    assert.equal(first.cancelled || second.cancelled, false);
  });

  test('anything else is cancelled and logged; nothing is saved', () => {
    const folder = path.join(root, 'refused');
    const s = session(folder);
    const item = new FakeDownload('https://example.com/evil.exe', 'evil.exe');
    s.download(item);
    assert.equal(item.cancelled, true);
    assert.equal(item.savePath, null);
    assert.equal(fs.existsSync(folder), false);
    assert.match(s.log[0]!, /^download refused: https:\/\/example\.com\/evil\.exe$/);
  });

  test('a folder that cannot be made cancels the download with the reason', () => {
    const blocker = path.join(root, 'a-file');
    fs.writeFileSync(blocker, 'x');
    const s = session(path.join(blocker, 'Alipay Till'));
    const item = new FakeDownload(OWN, 'reconcile.csv');
    s.download(item);
    assert.equal(item.cancelled, true);
    assert.match(s.log[0]!, /^export not saved: .*ENOTDIR/);
  });

  test('the file name is a plain name: no folders, no dot file, nothing unprintable', () => {
    assert.equal(exportFileName('../../etc/passwd'), 'passwd');
    assert.equal(exportFileName('..\\..\\boot.ini'), 'boot.ini');
    assert.equal(exportFileName('.bashrc'), 'bashrc');
    assert.equal(exportFileName('日結 2026.csv'), '_2026.csv');
    assert.equal(exportFileName(''), 'export.csv');
    assert.equal(exportFileName('a'.repeat(300)).length, 100);
    assert.equal(freePath('/x', 'day.csv', (file) => file !== '/x/day (3).csv'), '/x/day (3).csv');
  });
});
