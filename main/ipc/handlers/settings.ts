import { listConfig, setConfigValues } from '../../config/config-keys';
import type { HandlerTable } from '../call-context';
import { settingView } from '../views';

/** The till's configuration, as `till config list / set` reads and writes it: all values checked before any is saved. */

export const settingsHandlers: HandlerTable<'settings.list' | 'settings.set'> = {
  'settings.list': (ctx) => listConfig(ctx.till.settings).map(settingView),
  'settings.set': async (ctx, { values }) => {
    setConfigValues(ctx.till.settings, values);
    ctx.statusChanged();
    await ctx.hooks.settingsChanged?.(Object.keys(values));
    return listConfig(ctx.till.settings).map(settingView);
  },
};
