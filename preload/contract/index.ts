export * from './channels';
export * from './errors';
export * from './cashier-messages';
export * from './till-api';
export * from './bridge-protocol';
export type * from './views';
export { MAX_AMOUNT_MINOR, NEW_PIN_MIN_DIGITS, PIN_MAX_DIGITS, PIN_MIN_DIGITS, PIN_SETUP_CODE_DIGITS, REQUEST_SCHEMAS, isValidNewPin, isValidPin, isValidSetupCode, validateRequest, type Schema } from './schemas';
