import { TillError } from '../../errors';
import { toAscii } from '../escpos/ascii';

/**
 * One full screen for a 2×20 customer pole display (docs/protocol.md §7). Each line is sent as
 * exactly 20 printable ASCII characters: a shorter line would leave the previous
 * message's tail on the glass, a longer one wraps or scrolls, and anything outside ASCII
 * shows as whatever the display's font has at that byte.
 */

export type DisplayProtocol = 'epson' | 'cd5220';

export const DISPLAY_COLUMNS = 20;

/** Printable ASCII, cut or padded with spaces to exactly `columns`. */
export function fitLine(text: string, columns = DISPLAY_COLUMNS): string {
  return toAscii(text).slice(0, columns).padEnd(columns, ' ');
}

/** The same, padded on the left (amounts). */
export function fitLineRight(text: string, columns = DISPLAY_COLUMNS): string {
  return toAscii(text).slice(0, columns).padStart(columns, ' ');
}

function bytes(text: string): number[] {
  return Array.from(text, (char) => char.charCodeAt(0));
}

export function displayFrame(protocol: DisplayProtocol, upper: string, lower: string): Uint8Array {
  const top = bytes(fitLine(upper));
  const bottom = bytes(fitLine(lower));
  switch (protocol) {
    // Clear, then each line from its first column (US $ x y, 1-based): independent of
    // where the cursor was and of the scroll mode, since no line runs past column 20.
    case 'epson':
      return Uint8Array.from([0x0c, 0x1f, 0x24, 1, 1, ...top, 0x1f, 0x24, 1, 2, ...bottom]);
    // ESC Q A / ESC Q B write a whole line in place: no clear needed, so no flicker.
    case 'cd5220':
      return Uint8Array.from([0x1b, 0x51, 0x41, ...top, 0x0d, 0x1b, 0x51, 0x42, ...bottom, 0x0d]);
    default:
      throw new TillError('DISPLAY_PROTOCOL_UNKNOWN', `display protocol must be epson or cd5220, got ${JSON.stringify(String(protocol))}`, { field: 'protocol' });
  }
}

/** Sent once when the port opens: reset (ESC @) and clear (both protocols use the same bytes). */
export function displayInit(_protocol: DisplayProtocol): Uint8Array {
  return Uint8Array.of(0x1b, 0x40, 0x0c);
}

/** A display chained behind a printer on one port: ESC = 2 selects the display, ESC = 1 the printer. */
export function selectChained(target: 'display' | 'printer'): Uint8Array {
  return Uint8Array.of(0x1b, 0x3d, target === 'display' ? 0x02 : 0x01);
}
