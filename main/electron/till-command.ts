/**
 * `alipay-till till <command> …` (issue 15 §1): a packaged till has no Node to run the
 * `till` command with (the run-as-Node fuse is off, and its native modules are built for
 * Electron), so the app itself answers it in its main process, before any window or lock.
 * The deb puts a `till` wrapper on the PATH and Windows gets `till.cmd`
 * (packaging/, docs/operations.md).
 *
 * Packaged, argv is [app, ...args]; unpackaged (`electron .`), [electron, app path, ...args].
 * The command is a first argument of exactly `till`; before it only `--ozone-platform=…`
 * may stand, which the wrappers pass so that Chromium starts without a display (a
 * technician's SSH session).
 */
export function tillCommandArgs(argv: readonly string[], isPackaged: boolean): string[] | null {
  const args = argv.slice(isPackaged ? 1 : 2);
  let i = 0;
  while (args[i]?.startsWith('--ozone-platform=')) i += 1;
  return args[i] === 'till' ? args.slice(i + 1) : null;
}
