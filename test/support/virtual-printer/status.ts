/**
 * The real-time status a thermal printer answers to `DLE EOT n` (10 04 n) and the
 * paper sensor status of `GS r 1` (NOTES §6). Every DLE EOT reply matches 0xx1xx10.
 *
 *   n=1 printer:        bit 2 drawer pin, bit 3 offline, bit 5 waiting for recovery, bit 6 feed button
 *   n=2 offline cause:  bit 2 cover open, bit 3 feed button, bit 5 stopped by paper end, bit 6 error
 *   n=3 error cause:    bit 3 autocutter error, bit 5 unrecoverable, bit 6 auto-recoverable
 *   n=4 paper sensor:   bits 2–3 paper near end, bits 5–6 paper end
 */
export interface PrinterState {
  /** False puts the printer offline with no other cause (e.g. the cashier pressed a button). */
  online: boolean;
  coverOpen: boolean;
  paperNearEnd: boolean;
  paperEnd: boolean;
  /** Autocutter jammed (a recoverable error: offline, error bit). */
  cutterError: boolean;
  /** Unrecoverable error (head overheated for good, board fault). */
  unrecoverableError: boolean;
  /** The cash drawer kick connector pin 3 is high. */
  drawerOpen: boolean;
}

export const READY: PrinterState = {
  online: true,
  coverOpen: false,
  paperNearEnd: false,
  paperEnd: false,
  cutterError: false,
  unrecoverableError: false,
  drawerOpen: false,
};

/** The fixed bits of every DLE EOT reply: bit 1 and bit 4 set, bits 0 and 7 clear. */
export const STATUS_BASE = 0x12;

/** Does a byte look like a DLE EOT reply (0xx1xx10)? */
export function isStatusByte(byte: number): boolean {
  return (byte & 0b1001_0011) === 0b0001_0010;
}

/** The printer is offline for any reason a status reply shows. */
export function isOffline(state: PrinterState): boolean {
  return !state.online || state.coverOpen || state.paperEnd || state.cutterError || state.unrecoverableError;
}

/** The reply byte to DLE EOT n, or null for an n the printer does not answer. */
export function dleEotReply(n: number, state: PrinterState): number | null {
  let byte = STATUS_BASE;
  switch (n) {
    case 1:
      if (state.drawerOpen) byte |= 1 << 2;
      if (isOffline(state)) byte |= 1 << 3;
      if (state.cutterError) byte |= 1 << 5; // waiting for online recovery
      return byte;
    case 2:
      if (state.coverOpen) byte |= 1 << 2;
      if (state.paperEnd) byte |= 1 << 5;
      if (state.cutterError || state.unrecoverableError) byte |= 1 << 6;
      return byte;
    case 3:
      if (state.cutterError) byte |= (1 << 3) | (1 << 6);
      if (state.unrecoverableError) byte |= 1 << 5;
      return byte;
    case 4:
      // An empty roll also trips the near-end sensor.
      if (state.paperNearEnd || state.paperEnd) byte |= 0b0000_1100;
      if (state.paperEnd) byte |= 0b0110_0000;
      return byte;
    default:
      return null;
  }
}

/** The reply to `GS r n` (transmitted in buffer order): n=1/49 paper, n=2/50 drawer. */
export function gsRReply(n: number, state: PrinterState): number | null {
  if (n === 1 || n === 49) {
    let byte = 0;
    if (state.paperNearEnd || state.paperEnd) byte |= 0b0011;
    if (state.paperEnd) byte |= 0b1100;
    return byte;
  }
  if (n === 2 || n === 50) return state.drawerOpen ? 1 : 0;
  return null;
}

/** A human reading of a DLE EOT reply, for assertion messages. */
export function describeStatus(n: number, byte: number): string[] {
  const bit = (b: number) => (byte & (1 << b)) !== 0;
  const out: string[] = [];
  if (!isStatusByte(byte)) out.push(`not a status byte (0x${byte.toString(16)})`);
  if (n === 1) {
    if (bit(3)) out.push('offline');
    if (bit(2)) out.push('drawer pin high');
  } else if (n === 2) {
    if (bit(2)) out.push('cover open');
    if (bit(5)) out.push('stopped by paper end');
    if (bit(6)) out.push('error');
  } else if (n === 3) {
    if (bit(3)) out.push('autocutter error');
    if (bit(5)) out.push('unrecoverable error');
    if (bit(6)) out.push('auto-recoverable error');
  } else if (n === 4) {
    if (bit(2) && bit(3)) out.push('paper near end');
    if (bit(5) && bit(6)) out.push('paper end');
  }
  return out;
}
