#!/usr/bin/env node
import { appVersion } from '../config/app-version';
import { commandHelp, HELP } from './help';
import type { CommandContext } from './command-context';
import { createOutput, EXIT, reportError, UsageError } from './output';

/**
 * The `till` command. Commands load on demand so that `till --help` starts in well under
 * the 300 ms a terminal installer will tolerate.
 */

type CommandModule = { run(ctx: CommandContext): Promise<number> };

/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading is the point */
const COMMANDS: Record<string, () => CommandModule> = {
  sandbox: () => require('./commands/sandbox') as CommandModule,
  keys: () => require('./commands/keys') as CommandModule,
  config: () => require('./commands/config') as CommandModule,
  precreate: () => require('./commands/precreate') as CommandModule,
  query: () => require('./commands/query') as CommandModule,
  cancel: () => require('./commands/cancel') as CommandModule,
  refund: () => require('./commands/refund') as CommandModule,
  doctor: () => require('./commands/doctor') as CommandModule,
  orders: () => require('./commands/orders') as CommandModule,
  order: () => require('./commands/order') as CommandModule,
  reconcile: () => require('./commands/reconcile') as CommandModule,
  'close-day': () => require('./commands/close-day') as CommandModule,
  resolve: () => require('./commands/resolve') as CommandModule,
  devices: () => require('./commands/devices') as CommandModule,
  reprint: () => require('./commands/reprint') as CommandModule,
  store: () => require('./commands/store') as CommandModule,
  server: () => require('./commands/server') as CommandModule,
  backup: () => require('./commands/backup') as CommandModule,
  restore: () => require('./commands/restore') as CommandModule,
  'setup-kiosk': () => require('./commands/setup-kiosk') as CommandModule,
  logs: () => require('./commands/logs') as CommandModule,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Global flags may stand before or after the command. */
function splitGlobals(argv: string[]): { dataDir?: string; json: boolean; help: boolean; version: boolean; rest: string[] } {
  const rest: string[] = [];
  let dataDir: string | undefined;
  let json = false;
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--version') version = true;
    else if (arg === '--data-dir') {
      if (i + 1 >= argv.length) throw new UsageError('--data-dir needs a directory');
      dataDir = argv[++i];
    } else if (arg.startsWith('--data-dir=')) dataDir = arg.slice('--data-dir='.length);
    else rest.push(arg);
  }
  return { dataDir, json, help, version, rest };
}

export async function main(argv: string[]): Promise<number> {
  let json = argv.includes('--json');
  try {
    const globals = splitGlobals(argv);
    json = globals.json;
    if (globals.version) {
      process.stdout.write(`${appVersion()}\n`);
      return EXIT.ok;
    }
    const [name, ...args] = globals.rest;
    // --json promises one JSON document on stdout, also when the command is missing.
    if (name === undefined && json && !globals.help) throw new UsageError('no command given');
    // A command's own usage: `till precreate --help`, `till help precreate`.
    const asked = name === 'help' ? args[0] : globals.help ? name : undefined;
    if (asked !== undefined) {
      const text = commandHelp(asked);
      if (text === null) throw new UsageError(`unknown command ${JSON.stringify(asked)}`);
      process.stdout.write(text);
      return EXIT.ok;
    }
    if (globals.help || name === undefined || name === 'help') {
      process.stdout.write(HELP);
      return name === undefined && !globals.help ? EXIT.usage : EXIT.ok;
    }
    const load = COMMANDS[name];
    if (!load) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    const command = load();
    return await command.run({ args, dataDir: globals.dataDir, out: createOutput(json) });
  } catch (error) {
    return reportError(error, json);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = reportError(error, false);
    },
  );
}
