// The customer display encoders, one import for the device manager.
export { amountLine } from './amount-line';
export { DISPLAY_COLUMNS, displayFrame, displayInit, fitLine, fitLineRight, selectChained, type DisplayProtocol } from './frame';
export { displayMessages, type DisplayLines } from './messages';
