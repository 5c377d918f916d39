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
