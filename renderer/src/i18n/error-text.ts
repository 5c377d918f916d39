import { ROUTER_ERROR_CODES, type TillErrorView } from '../../../preload/contract';
import { CLIENT_ERROR_CODES } from '../api/client-errors';
import type { MessageKey } from './en';

/**
 * Codes the screens say in their own words (in the screen's language); any other error
 * shows the message the till sent, which names the fault and the field.
 */
const ERROR_KEYS: Readonly<Record<string, MessageKey>> = {
  [CLIENT_ERROR_CODES.disconnected]: 'error.disconnected',
  [CLIENT_ERROR_CODES.closed]: 'error.disconnected',
  [CLIENT_ERROR_CODES.requestInvalid]: 'error.requestInvalid',
  [CLIENT_ERROR_CODES.badReply]: 'error.badReply',
  [ROUTER_ERROR_CODES.supervisorRequired]: 'error.supervisorRequired',
  [ROUTER_ERROR_CODES.pinInvalid]: 'error.pinInvalid',
  [ROUTER_ERROR_CODES.pinLocked]: 'error.pinLocked',
  [ROUTER_ERROR_CODES.pinNotSet]: 'error.pinNotSet',
  [ROUTER_ERROR_CODES.pinAlreadySet]: 'error.pinAlreadySet',
  [ROUTER_ERROR_CODES.pinSetupCodeRequired]: 'error.pinSetupCodeRequired',
  [ROUTER_ERROR_CODES.pinSetupCodeInvalid]: 'error.pinSetupCodeInvalid',
  [ROUTER_ERROR_CODES.internal]: 'error.internal',
};

export function errorKey(error: TillErrorView): MessageKey | null {
  return ERROR_KEYS[error.code] ?? null;
}
