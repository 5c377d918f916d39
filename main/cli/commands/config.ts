import { assertConfigKey, getConfig, listConfig, setConfig, unsetConfig } from '../../config/settings-schema';
import { isTillError } from '../../errors';
import type { Till } from '../../runtime/open-till';
import { EXIT, UsageError } from '../output';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE = 'till config list | get KEY | set KEY VALUE | unset KEY';

function modeOf(till: Till): string | undefined {
  return listConfig(till.settings).find((r) => r.key === 'profile.mode')?.value;
}

/** A switch between sandbox and live is said plainly, with what it needs next (issue 10 §4). */
async function sayModeChange(till: Till, ctx: CommandContext, before: string | undefined): Promise<void> {
  const after = modeOf(till);
  if (after === before) return;
  ctx.out.say(`The till is now ${after === 'live' ? 'LIVE: real money moves' : 'a SANDBOX: no money moves'} (was ${before}); the change is journaled and raised as an alarm for the supervisor.`);
  if (after !== 'live') return;
  try {
    if ((await till.vault.status()).alipayPublicKey.present) return;
  } catch (error) {
    if (!isTillError(error)) throw error;
  }
  ctx.out.say('No Alipay public key is imported: nothing is sent until `till keys import-alipay-public FILE`.');
}

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
        const modeBefore = modeOf(till);
        setConfig(till.settings, key, value);
        getConfig(till.settings);
        out.result({ ok: true, key, value });
        out.say(`${key} = ${value}`);
        await sayModeChange(till, ctx, modeBefore);
        return EXIT.ok;
      }
      case 'unset': {
        if (!key || value !== undefined) throw new UsageError(`usage: ${USAGE}`);
        const modeBefore = modeOf(till);
        const removed = unsetConfig(till.settings, key);
        out.result({ ok: true, key, removed });
        out.say(removed ? `${key} reset to its default` : `${key} was not set`);
        await sayModeChange(till, ctx, modeBefore);
        return EXIT.ok;
      }
      default:
        throw new UsageError(`usage: ${USAGE}`);
    }
  });
}
