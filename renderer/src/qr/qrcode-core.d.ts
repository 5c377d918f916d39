// The encoder alone (no canvas or file renderers): the screens draw the matrix themselves.
declare module 'qrcode/lib/core/qrcode' {
  export interface QrModules {
    size: number;
    get(row: number, col: number): number | boolean;
  }
  export function create(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): { modules: QrModules; version: number };
}
