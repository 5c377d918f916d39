/**
 * Receipt printer models as data, in the manner of python-escpos's capability profiles: each
 * entry names the profile it inherits from and says only how it differs. `default` is the
 * root and says everything. Values come from the vendors' command references
 * (docs/protocol.md §6); a profile is a promise about the printer, so keep entries
 * conservative. profiles.ts resolves the inheritance and answers `supports(feature)`.
 */

/** What a printer can do that the encoders ask about. */
export const PRINTER_FEATURES = ['qrCode', 'rasterImage', 'paperPartCut', 'paperFullCut'] as const;
export type PrinterFeature = (typeof PRINTER_FEATURES)[number];

export interface PrinterProfileFields {
  name: string;
  /**
   * qrCode: draws QR codes itself (`GS ( k`); false for clones that print garbage for it.
   * rasterImage: prints `GS v 0` bit images (the QR fallback). paperPartCut: `GS V 66`
   * (feed past the cutter, then cut); paperFullCut: `GS V 0`.
   */
  features: Readonly<Record<PrinterFeature, boolean>>;
  /** Module size in dots: the range `GS ( k` fn 67 accepts (also used as the raster scale). */
  moduleSize: Readonly<{ min: number; max: number; preferred: number }>;
  /** 384 = 58 mm paper, 576 = 80 mm paper (8 dots/mm). */
  dotsPerLine: 384 | 576;
  /** Largest QR payload (UTF-8 bytes) the printer is trusted with. */
  maxQrBytes: number;
  /** Double-byte character set used in Kanji mode (`FS &`), or null for Latin-only printers. */
  cjk: 'gb18030' | 'big5' | null;
  /** `ESC t n` code table for single-byte text. */
  codeTable: number;
}

export interface ProfileEntry extends Partial<Omit<PrinterProfileFields, 'features'>> {
  /** The profile this one differs from; every entry but `default` has one. */
  inherits?: string;
  features?: Partial<Record<PrinterFeature, boolean>>;
  /** Only for profiles other profiles build on: not offered in the device settings. */
  abstract?: boolean;
}

// Code table numbers are Epson's: 0 = PC437, 16 = WPC1252. Chinese models keep PC437
// for single bytes and print everything else in Kanji mode.
export const PROFILE_DATA: Readonly<Record<string, ProfileEntry>> = {
  default: {
    abstract: true,
    name: 'ESC/POS',
    features: { qrCode: true, rasterImage: true, paperPartCut: true, paperFullCut: true },
    // Many clones accept only 1-8 for fn 67 (Epson accepts 1-16).
    moduleSize: { min: 1, max: 8, preferred: 6 },
    dotsPerLine: 384,
    // Cheap clones have small receive buffers; Alipay QR URLs are well under this.
    maxQrBytes: 512,
    cjk: null,
    codeTable: 0,
  },
  '80mm': {
    abstract: true,
    inherits: 'default',
    name: 'ESC/POS 80 mm',
    moduleSize: { min: 1, max: 16, preferred: 8 },
    dotsPerLine: 576,
    // The QR byte-mode limit (version 40, level L); the printer's own store limit is higher.
    maxQrBytes: 2953,
  },
  generic: { inherits: 'default', name: 'Generic ESC/POS 58 mm' },
  'epson-tm-t20': { inherits: '80mm', name: 'Epson TM-T20 80 mm', codeTable: 16 },
  'epson-tm-t88-cn': { inherits: '80mm', name: 'Epson TM-T88 80 mm, Simplified Chinese (GB18030)', cjk: 'gb18030' },
  'big5-80mm': { inherits: '80mm', name: 'ESC/POS 80 mm, Traditional Chinese (Big5)', cjk: 'big5' },
  'raster-only': { inherits: 'generic', name: 'ESC/POS 58 mm without native QR (raster)', features: { qrCode: false } },
};
