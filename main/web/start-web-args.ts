import { parseArgs } from 'node:util';

export const START_WEB_USAGE = 'node dist/main/web/start-web.js [--data-dir DIR] [--port 0..65535] [--no-browser] [--customer-window] [--url-file FILE]';

export interface StartWebArgs {
  dataDir: string | undefined;
  /** 0: any free port. */
  port: number;
  browser: boolean;
  customerWindow: boolean;
  /** Where to write the screens' addresses (with their token), 0600, for a program that started the host. */
  urlFile: string | undefined;
  help: boolean;
}

export class StartWebUsageError extends Error {
  override readonly name = 'StartWebUsageError';
}

export function parseStartWebArgs(argv: readonly string[]): StartWebArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        'no-browser': { type: 'boolean' },
        'customer-window': { type: 'boolean' },
        'url-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new StartWebUsageError(`${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}\nusage: ${START_WEB_USAGE}`);
  }
  const portText = values.port ?? '0';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new StartWebUsageError(`--port must be a whole number from 0 to 65535, got ${JSON.stringify(portText.slice(0, 20))}\nusage: ${START_WEB_USAGE}`);
  }
  return {
    dataDir: values['data-dir'],
    port: Number(portText),
    browser: values['no-browser'] !== true,
    customerWindow: values['customer-window'] === true,
    urlFile: values['url-file'],
    help: values.help === true,
  };
}
