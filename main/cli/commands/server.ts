import { counted } from '../counted';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminCall } from '../../../server/http/admin-client';
import { ServerError } from '../../../server/http/server-error';
import { startStoreServer } from '../../../server/http/start-server';
import type { CurrencyLine, StoreReport } from '../../../server/store/report';
import type { TerminalRow } from '../../../server/store/enrolment';
import { csvCell } from '../../../server/store/csv-cell';
import { TillError } from '../../errors';
import { formatMinor } from '../../alipay/currency';
import { parse, requireOption, stringOption } from '../args';
import { readSecretLine } from '../read-secret';
import type { CommandContext } from '../command-context';
import { EXIT, UsageError } from '../output';

/**
 * `till server …`: the store server (code in server/, docs/store-server.md). `start` runs
 * it; `enrol`, `terminals` and `report` talk to the running one through its admin socket.
 */

const USAGE =
  'till server start [--listen HOST:PORT] [--database URL] [--dir DIR] [--tls-cert FILE --tls-key FILE]\n' +
  '       till server enrol --store STORE [--name NAME] [--dir DIR]\n' +
  '       till server terminals [--store STORE] [--revoke ID] [--dir DIR]\n' +
  '       till server report [--store STORE] [--date YYYY-MM-DD] [--csv FILE] [--dir DIR]\n' +
  '       till server user add NAME --role owner|supervisor [--store STORE]... [--dir DIR]   (password from the terminal)\n' +
  '       till server user list | disable NAME [--dir DIR]';

/** The server's own directory (PGlite's data, the admin socket): --dir, TILL_SERVER_DIR, or ~/.local/share/alipay-till-server. */
function serverDir(values: Record<string, unknown>): string {
  const given = stringOption(values, 'dir') ?? process.env.TILL_SERVER_DIR;
  if (given) return path.resolve(given);
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'alipay-till-server');
}

function asTillError(error: unknown): unknown {
  return error instanceof ServerError ? new TillError(error.code, error.message, error.field ? { field: error.field } : {}) : error;
}

async function start(ctx: CommandContext, rest: string[]): Promise<number> {
  const { values } = parse(rest, { listen: { type: 'string' }, database: { type: 'string' }, dir: { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' } }, { min: 0, max: 0, usage: USAGE });
  const server = await startStoreServer({
    listen: stringOption(values, 'listen'),
    // A URL with a password belongs in TILL_SERVER_DATABASE_URL (or PGPASSWORD), not on a command line others can read.
    databaseUrl: stringOption(values, 'database') ?? process.env.TILL_SERVER_DATABASE_URL,
    dataDir: serverDir(values),
    tlsCert: stringOption(values, 'tls-cert'),
    tlsKey: stringOption(values, 'tls-key'),
  });
  ctx.out.result({ ok: true, url: server.url, database: server.database.kind, adminSocket: server.adminSocket });
  ctx.out.say(`store server listening on ${server.url} (database: ${server.database.kind} ${server.database.where})`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return EXIT.ok;
}

async function enrol(ctx: CommandContext, rest: string[]): Promise<number> {
  const usage = 'till server enrol --store STORE [--name NAME] [--dir DIR]';
  const { values } = parse(rest, { store: { type: 'string' }, name: { type: 'string' }, dir: { type: 'string' } }, { min: 0, max: 0, usage });
  const reply = await adminCall<{ code: string; store: string; name: string; expiresAt: number }>(serverDir(values), 'POST', '/admin/enrol', { store: requireOption(values, 'store', usage), name: stringOption(values, 'name') });
  ctx.out.result({ ok: true, ...reply });
  ctx.out.say(`Enrolment code for ${reply.name} in store ${reply.store}: ${reply.code}`);
  ctx.out.say(`On the terminal, within 15 minutes (${new Date(reply.expiresAt).toTimeString().slice(0, 5)}): till store join <this server's URL> ${reply.code}`);
  return EXIT.ok;
}

function ago(ms: number | null): string {
  if (ms === null) return 'never';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

async function terminals(ctx: CommandContext, rest: string[]): Promise<number> {
  const { values } = parse(rest, { store: { type: 'string' }, revoke: { type: 'string' }, dir: { type: 'string' } }, { min: 0, max: 0, usage: USAGE });
  const dir = serverDir(values);
  const revoke = stringOption(values, 'revoke');
  if (revoke !== undefined) {
    const row = await adminCall<TerminalRow>(dir, 'POST', '/admin/revoke', { id: revoke });
    ctx.out.result({ ok: true, revoked: row });
    ctx.out.say(`Revoked ${row.id} (${row.name}, store ${row.store}): its credential writes nothing any more.`);
    return EXIT.ok;
  }
  const store = stringOption(values, 'store');
  const rows = await adminCall<TerminalRow[]>(dir, 'GET', `/admin/terminals${store ? `?store=${encodeURIComponent(store)}` : ''}`);
  ctx.out.result({ ok: true, terminals: rows });
  if (rows.length === 0) ctx.out.say('No terminals enrolled (till server enrol --store STORE).');
  for (const t of rows) {
    ctx.out.say(`${t.id}  ${t.store}  ${t.name}${t.tillTerminal ? ` (${t.tillTerminal})` : ''}  ${t.revokedAt ? 'REVOKED' : `last synced ${ago(t.lastSyncAt)}, ${counted(t.lastSeq, 'change')} held, ${t.backlog} waiting on the terminal, version ${t.appVersion ?? '?'}${t.openAlarms ? `, ${counted(t.openAlarms, 'open alarm')}` : ''}`}`);
  }
  return EXIT.ok;
}

function money(minor: string, currency: string): string {
  return `${currency} ${formatMinor(Number(minor), currency)}`;
}

function lineText(c: CurrencyLine): string {
  return (
    `${c.currency}: paid ${c.paid.count} = ${money(c.paid.amountMinor, c.currency)}, refunded ${c.refunded.count} = ${money(c.refunded.amountMinor, c.currency)}, net ${money(c.netMinor, c.currency)}; ` +
    `cancelled ${c.cancelled.count}, failed ${c.failed.count}, unresolved ${c.unresolved.count} = ${money(c.unresolved.amountMinor, c.currency)}`
  );
}

export function reportCsv(report: StoreReport): string {
  const rows = [['terminal', 'currency', 'paid_count', 'paid_minor', 'refunded_count', 'refunded_minor', 'net_minor', 'cancelled_count', 'failed_count', 'unresolved_count', 'unresolved_minor']];
  const add = (who: string, c: CurrencyLine) =>
    rows.push([who, c.currency, String(c.paid.count), c.paid.amountMinor, String(c.refunded.count), c.refunded.amountMinor, c.netMinor, String(c.cancelled.count), String(c.failed.count), String(c.unresolved.count), c.unresolved.amountMinor]);
  for (const t of report.terminals) for (const c of t.currencies) add(t.name, c);
  for (const c of report.currencies) add('STORE', c);
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

async function report(ctx: CommandContext, rest: string[]): Promise<number> {
  const { values } = parse(rest, { store: { type: 'string' }, date: { type: 'string' }, csv: { type: 'string' }, dir: { type: 'string' } }, { min: 0, max: 0, usage: USAGE });
  const dir = serverDir(values);
  let store = stringOption(values, 'store');
  if (store === undefined) {
    const stores = [...new Set((await adminCall<TerminalRow[]>(dir, 'GET', '/admin/terminals')).map((t) => t.store))];
    if (stores.length !== 1) throw new UsageError(`--store is needed: this server has ${stores.length === 0 ? 'no stores' : `stores ${stores.join(', ')}`}`);
    store = stores[0]!;
  }
  const date = stringOption(values, 'date') ?? new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
  const result = await adminCall<StoreReport>(dir, 'GET', `/admin/report?store=${encodeURIComponent(store)}&date=${encodeURIComponent(date)}`);
  const csv = stringOption(values, 'csv');
  if (csv) fs.writeFileSync(csv, reportCsv(result), { mode: 0o600 });
  ctx.out.result({ ok: true, report: result, csv: csv ?? null });
  ctx.out.say(`Store ${result.store}, business day ${result.date}: ${counted(result.terminals.length, 'terminal')}`);
  for (const t of result.terminals) {
    ctx.out.say(`  ${t.name} (${t.id})${t.revoked ? ' REVOKED' : ''}: ${counted(t.orderCount, 'order')}, last synced ${ago(t.lastSyncAt)}`);
    for (const c of t.currencies) ctx.out.say(`    ${lineText(c)}`);
    if (t.stale) ctx.out.say(`    ! ${t.stale}`);
  }
  ctx.out.say('  Store:');
  for (const c of result.currencies) ctx.out.say(`    ${lineText(c)}`);
  if (result.exceptions.length > 0) {
    ctx.out.say('Exceptions:');
    for (const e of result.exceptions) ctx.out.say(`  ${e.terminal}: ${e.kind}${e.merchantTransId ? ` ${e.merchantTransId}` : ''}: ${e.message}`);
  }
  if (csv) ctx.out.say(`CSV written to ${csv}`);
  return EXIT.ok;
}

/** Store staff accounts, from the shell only for the first owner (issue 14); the password is typed, never an argument. */
async function user(ctx: CommandContext, rest: string[]): Promise<number> {
  const [action, ...more] = rest;
  const { values, positionals } = parse(more, { role: { type: 'string' }, store: { type: 'string', multiple: true }, dir: { type: 'string' } }, { min: 0, max: 1, usage: USAGE });
  const dir = serverDir(values);
  if (action === 'list') {
    const users = await adminCall<Array<{ name: string; role: string; stores: string[]; disabled: boolean }>>(dir, 'GET', '/admin/users');
    ctx.out.result({ ok: true, users });
    for (const u of users) ctx.out.say(`${u.name}  ${u.role}${u.role === 'supervisor' ? ` of ${u.stores.join(', ')}` : ''}${u.disabled ? '  DISABLED' : ''}`);
    return EXIT.ok;
  }
  const name = positionals[0];
  if (name === undefined) throw new UsageError(`usage: ${USAGE}`);
  if (action === 'disable') {
    await adminCall(dir, 'POST', '/admin/users/disable', { name });
    ctx.out.result({ ok: true, disabled: name });
    ctx.out.say(`${name} can no longer sign in; their sessions have ended.`);
    return EXIT.ok;
  }
  if (action !== 'add') throw new UsageError(`usage: ${USAGE}`);
  const password = await readSecretLine(`Password for ${name}: `);
  if (process.stdin.isTTY === true && (await readSecretLine('Again: ')) !== password) throw new TillError('PASSWORD_MISMATCH', 'the two passwords differ; nothing was changed');
  const stores = (values.store as string[] | undefined) ?? [];
  const created = await adminCall<{ name: string; role: string; stores: string[] }>(dir, 'POST', '/admin/users', { name, role: requireOption(values, 'role', USAGE), stores, password });
  ctx.out.result({ ok: true, user: created });
  ctx.out.say(`${created.name} (${created.role}${created.stores.length ? ` of ${created.stores.join(', ')}` : ''}) may now sign in to the store screen.`);
  return EXIT.ok;
}

export async function run(ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = ctx.args;
  try {
    switch (sub) {
      case 'start':
        return await start(ctx, rest);
      case 'enrol':
      case 'enroll':
        return await enrol(ctx, rest);
      case 'terminals':
        return await terminals(ctx, rest);
      case 'report':
        return await report(ctx, rest);
      case 'user':
        return await user(ctx, rest);
      default:
        throw new UsageError(`usage: ${USAGE}`);
    }
  } catch (error) {
    throw asTillError(error);
  }
}
