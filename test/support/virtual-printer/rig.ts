import { openPtyPair, openTtyEnd, type PtyPair, type TtyEnd } from '../pty-pair';
import type { Slip } from './escpos-decoder';
import { VirtualPrinter, type VirtualPrinterOptions } from './printer';

/**
 * A pty pair with a virtual printer on the device end and the till end open, for tests
 * that play the till themselves. `print` writes a job and resolves with the slip it cut.
 */
export interface PrinterRig {
  pair: PtyPair;
  printer: VirtualPrinter;
  till: TtyEnd;
  print(bytes: Uint8Array | readonly number[], timeoutMs?: number): Promise<Slip>;
  close(): Promise<void>;
}

export async function openPrinterRig(options: VirtualPrinterOptions = {}): Promise<PrinterRig> {
  const pair = await openPtyPair();
  const printer = await VirtualPrinter.open(pair.device, options);
  const till = openTtyEnd(pair.till);
  return {
    pair,
    printer,
    till,
    async print(bytes, timeoutMs = 10_000) {
      const before = printer.slips.length;
      await till.write(bytes);
      await printer.waitForSlips(before + 1, timeoutMs);
      return printer.slips[before]!;
    },
    async close() {
      await till.close();
      await printer.close();
      await pair.close();
    },
  };
}
