import { counted } from '../counted';
import { TillError } from '../../errors';
import { joinStore, leaveStore, linkedStoreClient } from '../../sync/join-store';
import { readStoreLink } from '../../sync/store-link';
import { StoreSync } from '../../sync/store-sync';
import type { Till } from '../../runtime/open-till';
import { parse, stringOption } from '../args';
import type { CommandContext } from '../command-context';
import { EXIT, UsageError } from '../output';
import { withTill } from '../with-till';

const USAGE = 'till store join URL CODE | till store leave | till store sync [--wait] [--timeout SECONDS] | till store status';

/** "store: 312 changes not yet sent, last sent 14:02" — what the status line and doctor say. */
export function storeLine(till: Pick<Till, 'settings' | 'journal'>): string {
  const link = readStoreLink(till.settings);
  if (!link) return 'store: not joined (till store join URL CODE)';
  const cursor = till.journal.outbox.cursor();
  const last = cursor.lastAckAt === null ? 'nothing sent yet' : `last sent ${new Date(cursor.lastAckAt).toTimeString().slice(0, 5)}`;
  const state = cursor.backlog === 0 ? `all changes sent, ${last}` : `${counted(cursor.backlog, 'change')} not yet sent, ${last}`;
  return `store: ${link.name} at ${link.url}: ${state}${cursor.lastError ? ` (last error: ${cursor.lastError})` : ''}`;
}

export function run(ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = ctx.args;
  switch (sub) {
    case 'join': {
      const { positionals } = parse(rest, {}, { min: 2, max: 2, usage: 'till store join URL CODE' });
      return withTill(ctx, async (till) => {
        const link = await joinStore(till, positionals[0]!, positionals[1]!);
        const backlog = till.journal.outbox.cursor().backlog;
        ctx.out.result({ ok: true, ...link, backlog });
        ctx.out.say(`Joined store ${link.store} as ${link.name} (${link.terminal}) at ${link.url}.`);
        ctx.out.say(`${counted(backlog, 'journal change')} will be sent by the running till, or now with \`till store sync --wait\`.`);
        return EXIT.ok;
      });
    }
    case 'leave':
      parse(rest, {}, { min: 0, max: 0, usage: 'till store leave' });
      return withTill(ctx, async (till) => {
        const link = await leaveStore(till);
        ctx.out.result({ ok: true, left: link });
        ctx.out.say(link ? `Left store ${link.store} (${link.url}); this till no longer sends its journal.` : 'This till was not joined to a store.');
        return EXIT.ok;
      });
    case 'sync': {
      const { values } = parse(rest, { wait: { type: 'boolean' }, timeout: { type: 'string' } }, { min: 0, max: 0, usage: 'till store sync [--wait] [--timeout SECONDS]' });
      const timeoutText = stringOption(values, 'timeout');
      const timeoutMs = timeoutText === undefined ? 300_000 : Number(timeoutText) * 1000;
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout must be a number of seconds');
      return withTill(ctx, async (till) => {
        if (!readStoreLink(till.settings)) throw new TillError('STORE_NOT_JOINED', 'this till is not joined to a store (till store join URL CODE)');
        const sync = new StoreSync({ journal: till.journal, link: () => readStoreLink(till.settings), client: () => linkedStoreClient(till) });
        const deadline = Date.now() + timeoutMs;
        let sent = 0;
        let pass = await sync.syncNow();
        sent += pass.sent;
        // --wait: until everything is at the server, retrying a failure a few times within the timeout.
        while (values.wait === true && (pass.error !== null || pass.backlog > 0) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, pass.error === null ? 0 : Math.min(2_000, Math.max(0, deadline - Date.now()))));
          pass = await sync.syncNow();
          sent += pass.sent;
        }
        ctx.out.result({ ok: pass.error === null, sent, backlog: pass.backlog, error: pass.error });
        ctx.out.say(`Sent ${counted(sent, 'change')}; ${pass.backlog} not yet sent.${pass.error ? ` ${pass.error}` : ''}`);
        return pass.error === null ? EXIT.ok : EXIT.failed;
      });
    }
    case 'status':
      parse(rest, {}, { min: 0, max: 0, usage: 'till store status' });
      return withTill(ctx, async (till) => {
        const link = readStoreLink(till.settings);
        ctx.out.result({ ok: true, link, ...till.journal.outbox.cursor() });
        ctx.out.say(storeLine(till));
        return EXIT.ok;
      });
    default:
      throw new UsageError(`usage: ${USAGE}`);
  }
}
