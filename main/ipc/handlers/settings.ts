import { ROUTER_ERROR_CODES } from '../../../preload/contract';
import { TERMINAL_ONLY_KEYS, listConfig, setConfigValues } from '../../config/settings-schema';
import { TillError } from '../../errors';
import type { HandlerTable } from '../call-context';
import { settingView } from '../views';

/**
 * The till's configuration, as `till config list / set` reads and writes it: all values
 * checked before any is saved. Whether money moves (profile.mode) and what proves a
 * payment (gateway.baseUrl, caFile, pinSha256) are listed but not settable here: a screen
 * session is not proof enough that someone at the till meant it, so those changes are made
 * with `till config set` at the terminal (docs/architecture.md, "Who may change what the
 * till trusts").
 */

function refuseTerminalOnly(values: Readonly<Record<string, string>>): void {
  const key = Object.keys(values).find((k) => TERMINAL_ONLY_KEYS.includes(k));
  if (key === undefined) return;
  throw new TillError(
    ROUTER_ERROR_CODES.terminalOnly,
    `${key} cannot be changed from a screen: run \`till config set ${key} …\` at the till's terminal. Nothing was saved.`,
    { field: key },
  );
}

export const settingsHandlers: HandlerTable<'settings.list' | 'settings.set'> = {
  'settings.list': (ctx) => listConfig(ctx.till.settings).map(settingView),
  'settings.set': async (ctx, { values }) => {
    refuseTerminalOnly(values);
    setConfigValues(ctx.till.settings, values);
    ctx.statusChanged();
    await ctx.hooks.settingsChanged?.(Object.keys(values));
    return listConfig(ctx.till.settings).map(settingView);
  },
};
