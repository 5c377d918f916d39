import { TillError } from '../errors';

/**
 * What the encoders need to know about a receipt printer model. Chosen in configuration
 * by id; `generic` is the default. Values come from the vendors' command references
 * (docs/protocol.md §6); a profile is a promise about the printer, so keep entries conservative.
 */
export interface PrinterProfile {
  id: string;
  name: string;
  /** The printer draws QR codes itself (`GS ( k`); false for clones that print garbage for it. */
  nativeQr: boolean;
  /** Module size in dots: the range `GS ( k` fn 67 accepts (also used as the raster scale). */
  moduleSize: { min: number; max: number; preferred: number };
  /** 384 = 58 mm paper, 576 = 80 mm paper (8 dots/mm). */
  dotsPerLine: 384 | 576;
  /** Largest QR payload (UTF-8 bytes) the printer is trusted with. */
  maxQrBytes: number;
  /** Double-byte character set used in Kanji mode (`FS &`), or null for Latin-only printers. */
  cjk: 'gb18030' | 'big5' | null;
  /** `ESC t n` code table for single-byte text. */
  codeTable: number;
}

// Code table numbers are Epson's: 0 = PC437, 16 = WPC1252. Chinese models keep PC437
// for single bytes and print everything else in Kanji mode.
const profiles: Record<string, PrinterProfile> = {
  generic: {
    id: 'generic',
    name: 'Generic ESC/POS 58 mm',
    nativeQr: true,
    // Many clones accept only 1-8 for fn 67 (Epson accepts 1-16).
    moduleSize: { min: 1, max: 8, preferred: 6 },
    dotsPerLine: 384,
    // Cheap clones have small receive buffers; Alipay QR URLs are well under this.
    maxQrBytes: 512,
    cjk: null,
    codeTable: 0,
  },
  'epson-tm-t20': {
    id: 'epson-tm-t20',
    name: 'Epson TM-T20 80 mm',
    nativeQr: true,
    moduleSize: { min: 1, max: 16, preferred: 8 },
    dotsPerLine: 576,
    // The QR byte-mode limit (version 40, level L); the printer's own store limit is higher.
    maxQrBytes: 2953,
    cjk: null,
    codeTable: 16,
  },
  'epson-tm-t88-cn': {
    id: 'epson-tm-t88-cn',
    name: 'Epson TM-T88 80 mm, Simplified Chinese (GB18030)',
    nativeQr: true,
    moduleSize: { min: 1, max: 16, preferred: 8 },
    dotsPerLine: 576,
    maxQrBytes: 2953,
    cjk: 'gb18030',
    codeTable: 0,
  },
  'big5-80mm': {
    id: 'big5-80mm',
    name: 'ESC/POS 80 mm, Traditional Chinese (Big5)',
    nativeQr: true,
    moduleSize: { min: 1, max: 16, preferred: 8 },
    dotsPerLine: 576,
    maxQrBytes: 2953,
    cjk: 'big5',
    codeTable: 0,
  },
  'raster-only': {
    id: 'raster-only',
    name: 'ESC/POS 58 mm without native QR (raster)',
    nativeQr: false,
    moduleSize: { min: 1, max: 8, preferred: 6 },
    dotsPerLine: 384,
    maxQrBytes: 512,
    cjk: null,
    codeTable: 0,
  },
};

for (const profile of Object.values(profiles)) {
  Object.freeze(profile.moduleSize);
  Object.freeze(profile);
}

export const PRINTER_PROFILES: Readonly<Record<string, PrinterProfile>> = Object.freeze(profiles);

export const DEFAULT_PROFILE_ID = 'generic';

export function getProfile(id: string): PrinterProfile {
  // hasOwn: 'constructor' or '__proto__' must not resolve to something off the prototype.
  const profile = Object.hasOwn(PRINTER_PROFILES, id) ? PRINTER_PROFILES[id] : undefined;
  if (!profile) {
    throw new TillError('PROFILE_UNKNOWN', `printer profile ${JSON.stringify(String(id).slice(0, 40))} is unknown; known profiles: ${Object.keys(PRINTER_PROFILES).join(', ')}`, { field: 'profile' });
  }
  return profile;
}
