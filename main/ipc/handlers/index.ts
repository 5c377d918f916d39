import type { Channel } from '../../../preload/contract';
import type { HandlerTable } from '../call-context';
import { dayHandlers } from './day';
import { deviceHandlers } from './devices';
import { keyHandlers } from './keys';
import { orderHandlers } from './orders';
import { settingsHandlers } from './settings';
import { statusHandlers } from './status';
import { supervisorHandlers } from './supervisor';

/** Every channel's handler; a channel of the contract without one does not compile. */
export const HANDLERS: HandlerTable<Channel> = {
  ...statusHandlers,
  ...orderHandlers,
  ...supervisorHandlers,
  ...dayHandlers,
  ...settingsHandlers,
  ...keyHandlers,
  ...deviceHandlers,
};
