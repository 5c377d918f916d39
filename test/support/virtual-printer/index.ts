/**
 * The virtual ESC/POS printer of the device tests (issue 4, item 5): decode what the till
 * sends over a pty pair, render it as paper, and read every QR on the paper back.
 */
export * from './escpos-decoder';
export * from './printer';
export * from './qr-reader';
export * from './render';
export * from './status';
export * from './rig';
