import type { StatusKind } from './commands';

/**
 * Reading the one-byte answers to DLE EOT n (docs/protocol.md §6). Every valid answer has the
 * fixed bits 0xx1xx10; anything else is noise on the line (or another command's echo)
 * and must not be read as a status.
 */

export function isStatusByte(byte: number): boolean {
  return Number.isInteger(byte) && (byte & 0b1001_0011) === 0b0001_0010;
}

export interface PrinterStatus {
  offline?: boolean;
  coverOpen?: boolean;
  paperEndStop?: boolean;
  error?: boolean;
  autocutterError?: boolean;
  unrecoverableError?: boolean;
  autoRecoverableError?: boolean;
  paperNearEnd?: boolean;
  paperOut?: boolean;
}

const bit = (byte: number, n: number): boolean => (byte & (1 << n)) !== 0;

/** The flags one answer carries, or undefined when the byte is not a valid status reply. */
export function decodeStatus(n: StatusKind, byte: number): PrinterStatus | undefined {
  if (!isStatusByte(byte)) return undefined;
  switch (n) {
    case 1:
      return { offline: bit(byte, 3) };
    case 2:
      return { coverOpen: bit(byte, 2), paperEndStop: bit(byte, 5), error: bit(byte, 6) };
    case 3:
      return { autocutterError: bit(byte, 3), unrecoverableError: bit(byte, 5), autoRecoverableError: bit(byte, 6) };
    case 4:
      // Two bits each (sensors at two places on some models): either one set counts.
      return { paperNearEnd: bit(byte, 2) || bit(byte, 3), paperOut: bit(byte, 5) || bit(byte, 6) };
  }
}
