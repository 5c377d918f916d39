// The packaging settings that matter for security and for native modules (docs/protocol.md §8–9),
// read through electron-builder's own loader and checked against its own schema, so the
// test sees exactly what `electron-builder` would (packaging needs Electron's binary,
// which these machines cannot install).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { before, describe, test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');

interface FileSet {
  filter?: string[];
}
interface BuilderConfig {
  appId?: string;
  productName?: string;
  directories?: { output?: string };
  files?: (FileSet | string)[] | FileSet | string;
  asar?: boolean | object;
  asarUnpack?: string[] | string;
  npmRebuild?: boolean;
  electronFuses?: Record<string, boolean>;
  extraMetadata?: { main?: string };
  linux?: { target?: unknown; category?: string; maintainer?: string; executableName?: string; icon?: string; extraResources?: Array<{ from: string; to: string }> };
  deb?: { depends?: string[]; afterInstall?: string; afterRemove?: string };
  win?: { target?: unknown; icon?: string; extraFiles?: Array<{ from: string; to: string }> };
  publish?: { provider?: string; url?: string } | Array<{ provider?: string; url?: string }>;
}
interface ConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
}

// app-builder-lib is electron-builder's own engine; resolve it from there, not from the hoisted tree.
const requireFromBuilder = createRequire(require.resolve('electron-builder/package.json'));
const configModule = requireFromBuilder('app-builder-lib/out/util/config/config') as ConfigModule;
const { DebugLogger } = requireFromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
// The matcher electron-builder applies to `files`, so the test packs exactly what it would.
const { FileMatcher } = requireFromBuilder('app-builder-lib/out/fileMatcher') as {
  FileMatcher: new (
    from: string,
    to: string,
    macroExpander: (pattern: string) => string,
    patterns: string[],
  ) => { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean };
};

const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

let config: BuilderConfig;

function targetNames(target: unknown): string[] {
  const list = Array.isArray(target) ? target : [target];
  return list.map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
}

function filePatterns(files: BuilderConfig['files']): string[] {
  const list = Array.isArray(files) ? files : files === undefined ? [] : [files];
  return list.flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
}

/** The .node addons under a package folder (its build or prebuilds). */
function nodeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.node'))
    .map((entry) => entry.name);
}

describe('electron-builder.yml', () => {
  before(async () => {
    config = await configModule.getConfig(root, null, null);
  });

  test('is the file electron-builder loads, and matches its schema', async () => {
    assert.equal(config.appId, 'com.alipaytill.till');
    await configModule.validateConfiguration(config, new DebugLogger(false));
  });

  test('names the product and writes to release/', () => {
    assert.equal(config.productName, 'Alipay Till');
    assert.equal(config.directories?.output, 'release');
  });

  test('sets the fuses of the Electron security checklist', () => {
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  test('packs the host, the renderer build and the bundled preload, and nothing else of the repo', () => {
    const matcher = new FileMatcher(root, '/', (pattern) => pattern, filePatterns(config.files));
    const filter = matcher.createFilter();
    const packed = (file: string): boolean => filter(path.join(root, file), { isDirectory: () => false });
    for (const file of ['dist/main/electron/app.js', 'dist/renderer/index.html', 'dist/renderer/assets/index-abc123.js', 'dist/preload/preload.js', 'package.json']) {
      assert.ok(packed(file), `${file} should be packed`);
    }
    for (const file of ['dist/renderer/assets/index-abc123.js.map', 'main/electron/app.ts', 'preload/electron/preload.ts', 'renderer/src/main.tsx', 'vite.preload.config.mts', 'dist/test/x.js']) {
      assert.equal(packed(file), false, `${file} should not be packed`);
    }
  });

  test('ships the compiled app in an asar, without sources, tests or source maps', () => {
    assert.equal(config.asar, true);
    const patterns = filePatterns(config.files);
    assert.deepEqual(patterns.filter((p) => !p.startsWith('!')), ['dist/**/*', 'package.json']);
    for (const exclusion of ['!dist/test/**', '!**/*.map', '!**/*.{ts,tsx,mts,cts}']) {
      assert.ok(patterns.includes(exclusion), `files should exclude ${exclusion}`);
    }
    const main = config.extraMetadata?.main ?? packageJson.main;
    assert.match(main, /^dist\/main\/electron\/[^/]+\.js$/, 'the packaged entry is the compiled Electron host');
  });

  test('unpacks only the native addons (*.node) from the asar, and rebuilds them for Electron', () => {
    assert.equal(config.npmRebuild, true);
    const unpack = Array.isArray(config.asarUnpack) ? config.asarUnpack : [config.asarUnpack];
    // Issue 11 §8: the native packages' JavaScript stays inside the integrity-checked asar.
    assert.deepEqual(unpack, ['**/*.node']);
    // Every native dependency (one with a binding.gyp) ships its addon as a .node file,
    // which that one pattern unpacks; nothing else of it needs to be on disk.
    const declared = [...Object.keys(packageJson.dependencies ?? {}), ...Object.keys(packageJson.optionalDependencies ?? {})];
    const natives = [...declared.filter((dep) => existsSync(path.join(root, 'node_modules', dep, 'binding.gyp'))), '@serialport/bindings-cpp'];
    assert.ok(natives.includes('better-sqlite3'), 'better-sqlite3 is seen as native');
    for (const dep of natives) {
      assert.ok(nodeFiles(path.join(root, 'node_modules', dep)).length > 0, `native dependency ${dep} has a .node addon for asarUnpack to find`);
    }
  });

  test('ships the till command: the Linux wrapper as a resource linked onto the PATH by the deb, till.cmd beside the Windows app; the deb needs the keychain', () => {
    assert.deepEqual(config.linux?.extraResources, [{ from: 'packaging/linux/till', to: 'till' }]);
    assert.deepEqual(config.win?.extraFiles, [{ from: 'packaging/win/till.cmd', to: 'till.cmd' }]);
    for (const file of ['packaging/linux/till', config.deb!.afterInstall!, config.deb!.afterRemove!, 'packaging/win/till.cmd']) assert.ok(existsSync(path.join(root, file)), file);
    // The link the deb makes points at where extraResources puts the wrapper.
    assert.match(readFileSync(path.join(root, config.deb!.afterInstall!), 'utf8'), /ln -sf "\/opt\/Alipay Till\/resources\/till" \/usr\/bin\/till/);
    assert.match(readFileSync(path.join(root, 'packaging/win/till.cmd'), 'utf8'), /"%~dp0Alipay Till\.exe" till %\*/);
    for (const dep of ['gnome-keyring', 'libsecret-1-0', 'libgtk-3-0', 'libnss3']) assert.ok(config.deb?.depends?.includes(dep), dep);
  });

  test('an app icon ships: a 512×512 PNG for Linux and Windows', () => {
    for (const icon of [config.linux?.icon, config.win?.icon]) {
      assert.equal(icon, 'packaging/icon.png');
      const png = readFileSync(path.join(root, icon!));
      assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [512, 512], 'width and height from the IHDR chunk');
    }
  });

  test('updates come from a generic provider over HTTPS (electron-updater reads it)', () => {
    const publish = Array.isArray(config.publish) ? config.publish[0] : config.publish;
    assert.equal(publish?.provider, 'generic');
    assert.match(publish?.url ?? '', /^https:\/\//);
    assert.ok(packageJson.dependencies?.['electron-updater'], 'electron-updater ships with the app');
  });

  test('builds AppImage and deb for Linux, NSIS for Windows', () => {
    assert.deepEqual(targetNames(config.linux?.target).sort(), ['AppImage', 'deb']);
    assert.equal(config.linux?.executableName, 'alipay-till');
    assert.ok(config.linux?.category, 'a desktop category');
    assert.match(config.linux?.maintainer ?? '', /<[^>]+@[^>]+>/, 'deb needs a maintainer with an email');
    assert.deepEqual(targetNames(config.win?.target), ['nsis']);
  });
});
