import { assertConfigKey, getConfig, listConfig, setConfig, unsetConfig } from '../../config/config-keys';
import { EXIT, UsageError } from '../output';
import type { CommandContext } from '../till';
import { withTill } from '../with-till';

const USAGE = 'till config list | get KEY | set KEY VALUE | unset KEY';

export function run(ctx: CommandContext): Promise<number> {
  const [verb, key, value, ...extra] = ctx.args;
  // Refused before the till is opened: a mistyped verb must not create a data directory.
  const arity = ({ list: 0, get: 1, set: 2, unset: 1 } as Record<string, number>)[verb ?? ''];
  if (arity === undefined || ctx.args.length !== arity + 1) throw new UsageError(`usage: ${USAGE}`);
  return withTill(ctx, async (till) => {
    const { out } = ctx;
    switch (verb) {
      case 'list': {
        const rows = listConfig(till.settings);
        out.result({ ok: true, config: rows });
        const width = Math.max(...rows.map((r) => r.key.length));
        for (const row of rows) out.say(`${row.key.padEnd(width)}  ${row.value === '' ? '-' : row.value}${row.isDefault ? '  (default)' : ''}`);
        return EXIT.ok;
      }
      case 'get': {
        if (!key || value !== undefined) throw new UsageError(`usage: ${USAGE}`);
        assertConfigKey(key);
        const row = listConfig(till.settings).find((r) => r.key === key)!;
        out.result({ ok: true, key, value: row.value, isDefault: row.isDefault });
        out.say(row.value);
        return EXIT.ok;
      }
      case 'set': {
        if (!key || value === undefined || extra.length > 0) throw new UsageError(`usage: ${USAGE}`);
        setConfig(till.settings, key, value);
        getConfig(till.settings);
        out.result({ ok: true, key, value });
        out.say(`${key} = ${value}`);
        return EXIT.ok;
      }
      case 'unset': {
        if (!key || value !== undefined) throw new UsageError(`usage: ${USAGE}`);
        const removed = unsetConfig(till.settings, key);
        out.result({ ok: true, key, removed });
        out.say(removed ? `${key} reset to its default` : `${key} was not set`);
        return EXIT.ok;
      }
      default:
        throw new UsageError(`usage: ${USAGE}`);
    }
  });
}
