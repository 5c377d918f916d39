import * as QRCode from 'qrcode';

/**
 * ESC/POS byte sequences written by hand from NOTES §6, independent of the till's encoders,
 * so the virtual printer is tested against the spec rather than against the code it checks.
 */

export type EcLevel = 'L' | 'M' | 'Q' | 'H';

export const INIT = [0x1b, 0x40];
export const align = (n: 0 | 1 | 2) => [0x1b, 0x61, n];
export const feedLines = (n: number) => [0x1b, 0x64, n];
export const FULL_CUT = [0x1d, 0x56, 0x00];
export const feedAndPartialCut = (n: number) => [0x1d, 0x56, 0x42, n];
export const KANJI_ON = [0x1c, 0x26];
export const KANJI_OFF = [0x1c, 0x2e];
export const dleEot = (n: number) => [0x10, 0x04, n];

export function text(s: string): number[] {
  return Array.from(Buffer.from(s, 'latin1'));
}

export function line(s: string): number[] {
  return [...text(s), 0x0a];
}

/** The GS ( k QR commands: model 2, module size, error correction, store (UTF-8 length), print. */
export function nativeQrCommands(data: string | Uint8Array, moduleSize = 6, ec: EcLevel = 'M'): number[] {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const len = bytes.length + 3;
  return [
    ...[0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00],
    ...[0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, moduleSize],
    ...[0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x30 + 'LMQH'.indexOf(ec)],
    ...[0x1d, 0x28, 0x6b, len & 0xff, len >> 8, 0x31, 0x50, 0x30, ...bytes],
    ...[0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30],
  ];
}

/** A raster image (GS v 0) of the QR with `quiet` white modules around it. */
export function rasterQrCommands(data: string, moduleSize = 4, ec: EcLevel = 'M', quiet = 4): number[] {
  const symbol = QRCode.create(data, { errorCorrectionLevel: ec });
  const size = symbol.modules.size;
  const dots = (size + 2 * quiet) * moduleSize;
  const bytesPerRow = Math.ceil(dots / 8);
  const image = new Uint8Array(bytesPerRow * dots);
  for (let y = 0; y < dots; y++) {
    for (let x = 0; x < dots; x++) {
      const r = Math.floor(y / moduleSize) - quiet;
      const c = Math.floor(x / moduleSize) - quiet;
      if (r < 0 || c < 0 || r >= size || c >= size || !symbol.modules.get(r, c)) continue;
      image[y * bytesPerRow + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return [0x1d, 0x76, 0x30, 0x00, bytesPerRow & 0xff, bytesPerRow >> 8, dots & 0xff, dots >> 8, ...image];
}

/** A scan-to-pay slip: heading, amount, the QR (native or raster) with its quiet zone, cut. */
export function scanToPaySlip(url: string, kind: 'native' | 'raster', moduleSize = kind === 'native' ? 6 : 4): Uint8Array {
  const qr = kind === 'native' ? nativeQrCommands(url, moduleSize) : rasterQrCommands(url, moduleSize);
  // Native: the printer adds no quiet zone, so feed ≥ 4 modules above and below.
  const quiet = kind === 'native' ? [0x1b, 0x4a, 4 * moduleSize] : [];
  return Uint8Array.from([
    ...INIT,
    ...align(1),
    ...line('TEST STORE'),
    ...line('Amount: CNY 12.34'),
    ...line('Scan with Alipay'),
    ...quiet,
    ...qr,
    ...quiet,
    ...line(`Order 2024-0001`),
    ...align(0),
    ...feedAndPartialCut(48),
  ]);
}

/**
 * A QR URL of exactly `length` characters (UTF-16 code units, all in the BMP) with
 * non-ASCII path segments, the shape of an orderQrCode with a merchant's own path.
 */
export function urlOfLength(length: number): string {
  const base = length >= 40 ? 'https://qr.alipay.com/' : 'https://q.cn/';
  const segments = ['支付宝', 'bax03431ljhokirwl38f00a7', 'café', '订单-2024', 'ljhokirwl38f', 'Zahlung', '付款码', '0a7?x=1&y=ü'];
  let url = base;
  for (let k = 0; url.length < length; k++) url += `${segments[k % segments.length]}/`;
  url = url.slice(0, length);
  if (![...url].some((ch) => ch.charCodeAt(0) > 0x7f)) throw new Error(`urlOfLength(${length}) has no non-ASCII character`);
  return url;
}
