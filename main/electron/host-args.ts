/**
 * The Electron host's own flag: `--data-dir D` (or `--data-dir=D`), as the CLI and the web
 * host take it; Chromium's switches and the app path around it are left alone.
 */
export function dataDirFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--data-dir') return argv[i + 1] ?? '';
    if (arg.startsWith('--data-dir=')) return arg.slice('--data-dir='.length);
  }
  return undefined;
}

/**
 * Switches that open the app to a debugger or change its engine: Chromium's remote
 * debugging (DevTools protocol on a port or pipe: full control of the screens, the PIN
 * pad included), Node's inspector, V8 flags. The fuses already stop Node's own
 * `--inspect`; a packaged till refuses them all before any window opens (issue 11 §8).
 */
const DEBUG_SWITCHES = [
  '--remote-debugging-port',
  '--remote-debugging-pipe',
  '--remote-debugging-address',
  '--remote-allow-origins',
  '--inspect',
  '--inspect-brk',
  '--inspect-port',
  '--inspect-publish-uid',
  '--debug',
  '--debug-brk',
  '--js-flags',
  '--enable-logging',
  '--v',
  '--vmodule',
  '--auto-open-devtools-for-tabs',
];

/** The debugging switches on `argv` (by name, with or without `=value`), in the order given. */
export function debugSwitches(argv: readonly string[]): string[] {
  return argv.filter((arg) => {
    const name = arg.split('=', 1)[0]!.toLowerCase();
    return DEBUG_SWITCHES.includes(name);
  });
}
