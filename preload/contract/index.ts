export * from './channels';
export * from './errors';
export * from './till-api';
export * from './bridge-protocol';
export type * from './views';
