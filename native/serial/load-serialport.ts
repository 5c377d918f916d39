import type * as SerialPortModule from 'serialport';

/**
 * serialport (and its native binding) is loaded on first use, not at import: most `till`
 * commands never touch a port and must start fast.
 */
let loaded: typeof SerialPortModule | undefined;

export function serialportModule(): typeof SerialPortModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy loading is the point
  loaded ??= require('serialport') as typeof SerialPortModule;
  return loaded;
}
