// Who may call what on the store screen's API (issue 14): one table, route x role x store
// -> status, run against the real server on a real PostgreSQL; then the sign-in rules
// (throttle, expiry, sign-out everywhere, disabled accounts), CSRF, forged cookies and
// malformed requests. Each refusal names its cause and changes nothing.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminCall } from '../../server/http/admin-client';
import { SESSION_COOKIE } from '../../server/web/store-api';
import { closeStoreDay } from '../../server/store/store-close';
import { storeServer, type TestStoreServer } from '../support/store-databases';
import { batch, orderChange, orderChanges, post } from '../support/store-wire';

type Role = 'anonymous' | 'supervisor of A' | 'supervisor of B' | 'owner';
const ROLES: Role[] = ['anonymous', 'supervisor of A', 'supervisor of B', 'owner'];
const PASSWORD = 'correct horse battery';

let server: TestStoreServer;
const cookies = new Map<Role, string>();
const terminals: string[] = [];
const tokens: string[] = [];
let made = 0;
/** The store-close rows use today: a terminal enrolled after a day ended does not hold that day up. */
const TODAY = new Date().toISOString().slice(0, 10);

async function call(method: string, path: string, options: { cookie?: string; body?: unknown; csrf?: boolean; origin?: string; raw?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = `${SESSION_COOKIE}=${options.cookie}`;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  if (options.csrf !== false && method !== 'GET') headers['x-till-csrf'] = '1';
  if (options.origin) headers.origin = options.origin;
  const response = await fetch(`${server.url}${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
  const text = await response.text();
  assert.ok(!/\bat .+\.(ts|js):\d+/.test(text), `a stack in the answer: ${text}`);
  const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, body: (json ? JSON.parse(text) : { text }) as Record<string, unknown>, setCookie: response.headers.get('set-cookie') };
}

async function signIn(name: string, password = PASSWORD) {
  return call('POST', '/api/session', { body: { name, password } });
}

function cookieOf(setCookie: string | null): string {
  const m = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(setCookie ?? '');
  assert.ok(m, `no session cookie in ${setCookie}`);
  return m[1]!;
}

async function user(name: string, role: 'owner' | 'supervisor', stores: string[] = []) {
  await adminCall(server.dir, 'POST', '/admin/users', { name, role, stores, password: PASSWORD });
}

describe('the store API: who may call what', { timeout: 120_000 }, () => {
  before(async () => {
    server = await storeServer('postgres', { events: { pollMs: 200, pingMs: 400 } });
    for (const store of ['STORE-A', 'STORE-B', 'STORE-A']) {
      const { code } = await adminCall<{ code: string }>(server.dir, 'POST', '/admin/enrol', { store, name: `${store} till` });
      const enrolled = (await post(server.url, '/v1/enrol', { code, tillTerminalId: 'T01', deviceName: 'x' })).body;
      terminals.push(enrolled.terminal as string);
      tokens.push(enrolled.token as string);
    }
    // 55 orders on STORE-A's first till: more than one page of search.
    const orders = Array.from({ length: 55 }, (_, i) => orderChange(i + 1, { state: i === 0 ? 'CANCELLED' : 'PAID', amountMinor: 1000 + i, createdAt: 1_780_000_000_000 + i }));
    assert.equal((await post(server.url, '/v1/sync', batch(terminals[0]!, orderChanges(1, orders)), tokens[0])).status, 200);
    // A day closed before any terminal was enrolled: its (empty) Z report exists.
    await closeStoreDay(server.database, { store: 'STORE-A', date: '2026-11-01', by: 'setup', now: Date.now() });
    await closeStoreDay(server.database, { store: 'STORE-B', date: '2026-11-01', by: 'setup', now: Date.now() });
    await user('olive', 'owner');
    await user('sam', 'supervisor', ['STORE-A']);
    await user('bea', 'supervisor', ['STORE-B']);
    for (const [role, name] of [['supervisor of A', 'sam'], ['supervisor of B', 'bea'], ['owner', 'olive']] as const) {
      const signed = await signIn(name);
      assert.equal(signed.status, 200, JSON.stringify(signed.body));
      cookies.set(role, cookieOf(signed.setCookie));
    }
  });

  const table: Array<{ method: string; path: () => string; body?: () => unknown; expect: Record<Role, number> }> = [
    { method: 'GET', path: () => '/api/session', expect: { anonymous: 401, 'supervisor of A': 200, 'supervisor of B': 200, owner: 200 } },
    { method: 'GET', path: () => '/api/stores', expect: { anonymous: 401, 'supervisor of A': 200, 'supervisor of B': 200, owner: 200 } },
    { method: 'GET', path: () => '/api/stores/STORE-A/day?date=2026-12-04', expect: { anonymous: 401, 'supervisor of A': 200, 'supervisor of B': 404, owner: 200 } },
    { method: 'GET', path: () => '/api/stores/STORE-B/day?date=2026-12-04', expect: { anonymous: 401, 'supervisor of A': 404, 'supervisor of B': 200, owner: 200 } },
    { method: 'GET', path: () => '/api/stores/STORE-A/terminals', expect: { anonymous: 401, 'supervisor of A': 200, 'supervisor of B': 404, owner: 200 } },
    { method: 'GET', path: () => '/api/stores/NO-SUCH/terminals', expect: { anonymous: 401, 'supervisor of A': 404, 'supervisor of B': 404, owner: 200 } },
    { method: 'POST', path: () => '/api/stores/STORE-A/enrol', body: () => ({}), expect: { anonymous: 401, 'supervisor of A': 403, 'supervisor of B': 403, owner: 200 } },
    { method: 'POST', path: () => `/api/stores/STORE-A/terminals/${terminals[2]}/revoke`, expect: { anonymous: 401, 'supervisor of A': 403, 'supervisor of B': 403, owner: 200 } },
    { method: 'POST', path: () => `/api/stores/STORE-B/terminals/${terminals[0]}/revoke`, expect: { anonymous: 401, 'supervisor of A': 403, 'supervisor of B': 403, owner: 404 } },
    { method: 'GET', path: () => '/api/stores/STORE-A/orders?q=0001', expect: { anonymous: 401, 'supervisor of A': 200, 'supervisor of B': 404, owner: 200 } },
    { method: 'GET', path: () => `/api/stores/STORE-A/orders/${terminals[0]}/1`, expect: { anonymous: 401, 'supervisor of A': 200, 'supervisor of B': 404, owner: 200 } },
    { method: 'GET', path: () => `/api/stores/STORE-B/orders/${terminals[0]}/1`, expect: { anonymous: 401, 'supervisor of A': 404, 'supervisor of B': 404, owner: 404 } },
    { method: 'GET', path: () => '/api/stores/STORE-A/day.csv?date=2026-12-04', expect: { anonymous: 401, 'supervisor of A': 200, 'supervisor of B': 404, owner: 200 } },
    { method: 'GET', path: () => `/api/stores/STORE-A/close?date=${TODAY}`, expect: { anonymous: 401, 'supervisor of A': 200, 'supervisor of B': 404, owner: 200 } },
    { method: 'POST', path: () => `/api/stores/STORE-A/close?date=${TODAY}`, expect: { anonymous: 401, 'supervisor of A': 409, 'supervisor of B': 404, owner: 409 } },
    { method: 'POST', path: () => '/api/stores/STORE-B/close', expect: { anonymous: 401, 'supervisor of A': 404, 'supervisor of B': 400, owner: 400 } },
    { method: 'GET', path: () => '/api/stores/STORE-A/z?date=2026-11-01', expect: { anonymous: 401, 'supervisor of A': 200, 'supervisor of B': 404, owner: 200 } },
    { method: 'GET', path: () => '/api/stores/STORE-B/z?date=2026-11-02', expect: { anonymous: 401, 'supervisor of A': 404, 'supervisor of B': 404, owner: 404 } },
    { method: 'GET', path: () => '/api/users', expect: { anonymous: 401, 'supervisor of A': 403, 'supervisor of B': 403, owner: 200 } },
    { method: 'POST', path: () => '/api/users', body: () => ({ name: `clerk${++made}`, role: 'supervisor', stores: ['STORE-A'], password: PASSWORD }), expect: { anonymous: 401, 'supervisor of A': 403, 'supervisor of B': 403, owner: 201 } },
  ];

  for (const row of table) {
    test(`${row.method} ${row.path().replace(/trm_\w+/, ':id')}: ${ROLES.map((r) => `${r} ${row.expect[r]}`).join(', ')}`, async () => {
      for (const role of ROLES) {
        const answer = await call(row.method, row.path(), { cookie: cookies.get(role), body: row.body?.() ?? (row.method === 'POST' ? {} : undefined) });
        assert.equal(answer.status, row.expect[role], `${role}: ${JSON.stringify(answer.body)}`);
        if (answer.status >= 400) assert.match(String((answer.body.error as { code: string }).code), /^[A-Z_]+$/);
      }
    });
  }

  test('search across terminals and days: by the last digits, by state and amount, in pages; an order in full, without raw answers; the day as CSV', async () => {
    const sam = cookies.get('supervisor of A');
    const tail = await call('GET', '/api/stores/STORE-A/orders?q=000055', { cookie: sam });
    assert.deepEqual((tail.body.orders as Array<{ id: number }>).map((o) => o.id), [55]);
    const cancelled = await call('GET', '/api/stores/STORE-A/orders?state=CANCELLED', { cookie: sam });
    assert.deepEqual((cancelled.body.orders as Array<{ id: number }>).map((o) => o.id), [1]);
    const amount = await call('GET', '/api/stores/STORE-A/orders?amount=1010', { cookie: sam });
    assert.deepEqual((amount.body.orders as Array<{ id: number }>).map((o) => o.id), [11]);
    const first = await call('GET', '/api/stores/STORE-A/orders', { cookie: sam });
    assert.equal((first.body.orders as unknown[]).length, 50);
    assert.equal((first.body.orders as Array<{ id: number }>)[0]!.id, 55, 'newest first');
    const second = await call('GET', `/api/stores/STORE-A/orders?after=${encodeURIComponent(first.body.next as string)}`, { cookie: sam });
    assert.deepEqual((second.body.orders as Array<{ id: number }>).map((o) => o.id), [5, 4, 3, 2, 1]);
    assert.equal(second.body.next, null);
    for (const bad of ['q=%27%3B--', 'state=MAYBE', 'amount=1.5', 'from=yesterday', 'after=1:2:3']) {
      const refused = await call('GET', `/api/stores/STORE-A/orders?${bad}`, { cookie: sam });
      assert.equal(refused.status, 400, bad);
    }
    const detail = await call('GET', `/api/stores/STORE-A/orders/${terminals[0]}/1`, { cookie: sam });
    assert.equal((detail.body.order as { state: string }).state, 'CANCELLED');
    assert.ok(!JSON.stringify(detail.body).includes('raw_response'));
    const csv = await fetch(`${server.url}/api/stores/STORE-A/day.csv?date=2026-12-04`, { headers: { cookie: `${SESSION_COOKIE}=${sam}` } });
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="STORE-A-2026-12-04.csv"/);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines[0], 'terminal,merchant_trans_id,state,currency,amount_minor,refunded_minor,acquirement_id,alarm,created_at');
    assert.equal(lines.length, 56);
    assert.match(lines[1]!, /^STORE-A till,T0120261204000001,CANCELLED,USD,1000,0,/);
  });

  test('the store day closes only when every terminal has closed it and sent everything; then its Z report is kept as closed', async () => {
    const sam = cookies.get('supervisor of A');
    const status = async () => (await call('GET', `/api/stores/STORE-A/close?date=${TODAY}`, { cookie: sam })).body as { closed: unknown; holdingUp: Array<{ terminal: string; reason: string }> };
    // STORE-A has terminals 0 and 2 (revoked above: it holds nothing up).
    assert.deepEqual((await status()).holdingUp.map((h) => [h.terminal, h.reason]), [[terminals[0], 'NOT_CLOSED']]);
    const day = { day: TODAY, closedAt: Date.now(), closedBy: 'sam', zReport: { totals: 'as the till printed them' } };
    const held = Number((await server.database.query<{ n: string }>('SELECT last_seq::text AS n FROM terminals WHERE id = $1', [terminals[0]!]))[0]!.n);
    assert.equal((await post(server.url, '/v1/sync', batch(terminals[0]!, [{ seq: held + 1, entity: 'day', data: day }], 2), tokens[0])).status, 200);
    assert.deepEqual((await status()).holdingUp.map((h) => [h.terminal, h.reason]), [[terminals[0], 'NOT_SYNCED']]);
    const refused = await call('POST', `/api/stores/STORE-A/close?date=${TODAY}`, { cookie: sam });
    assert.equal(refused.status, 409);
    assert.match((refused.body.error as { message: string }).message, /STORE-A till closed .* but still holds 2 changes:/);
    assert.equal((await call('GET', `/api/stores/STORE-A/z?date=${TODAY}`, { cookie: sam })).status, 404);
    // The till sends the rest (here: a heartbeat saying nothing is left).
    assert.equal((await post(server.url, '/v1/sync', { terminal: terminals[0], changes: [], backlog: 0, sentAt: Date.now() }, tokens[0])).status, 200);
    const closed = await call('POST', `/api/stores/STORE-A/close?date=${TODAY}`, { cookie: sam });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.closedBy, 'sam');
    const again = await call('POST', `/api/stores/STORE-A/close?date=${TODAY}`, { cookie: cookies.get('owner') });
    assert.deepEqual([again.status, again.body.closedBy, again.body.closedAt], [200, 'sam', closed.body.closedAt]);
    const z = await call('GET', `/api/stores/STORE-A/z?date=${TODAY}`, { cookie: sam });
    assert.equal((z.body.report as { store: string }).store, 'STORE-A');
    assert.deepEqual((await status()).closed, { closedAt: closed.body.closedAt, closedBy: 'sam' });
    const [audit] = await server.database.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'store.day.close' AND detail->>'day' = $1", [TODAY]);
    assert.equal(audit?.actor, 'sam');
  });

  test('live: the events stream says "change" when a terminal of the store syncs, and ends when the session does', async () => {
    const signed = await signIn('sam');
    const session = cookieOf(signed.setCookie);
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/stores/STORE-A/events`, { headers: { cookie: `${SESSION_COOKIE}=${session}` }, signal: controller.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    // One read in flight at a time: a read that loses the race still gets the next chunk.
    let pending: ReturnType<typeof reader.read> | null = null;
    const until = async (pattern: RegExp, ms: number) => {
      const deadline = Date.now() + ms;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) assert.fail(`no ${pattern} in ${JSON.stringify(text)}`);
        pending ??= reader.read();
        const chunk = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), 200))]);
        if (chunk === null) continue;
        pending = null;
        if (chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      return pattern.test(text);
    };
    await until(/event: hello/, 5_000);
    // Let the hub take its first look (its baseline), then a terminal of STORE-A syncs.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await post(server.url, '/v1/sync', { terminal: terminals[0], changes: [], backlog: 0, sentAt: Date.now() }, tokens[0])).status, 200);
    await until(/event: change\ndata: \{"store":"STORE-A"\}/, 5_000);
    await call('DELETE', '/api/session', { cookie: session });
    assert.ok(await until(/event: signed-out/, 5_000), JSON.stringify(text));
    controller.abort();
    // Another store's stream: as if it did not exist.
    assert.equal((await call('GET', '/api/stores/STORE-A/events', { cookie: cookies.get('supervisor of B') })).status, 404);
  });

  test('a supervisor sees only their stores in the list, and nothing of another store even by a forged URL', async () => {
    const list = await call('GET', '/api/stores', { cookie: cookies.get('supervisor of B') });
    assert.deepEqual((list.body.stores as Array<{ id: string }>).map((s) => s.id), ['STORE-B']);
    const sneaky = await call('GET', '/api/stores/STORE-A%2F..%2FSTORE-A/day', { cookie: cookies.get('supervisor of B') });
    assert.equal(sneaky.status, 404);
  });

  test('CSRF: a state-changing call without the header, or from another site, is refused even for an owner', async () => {
    const bare = await call('POST', '/api/stores/STORE-A/enrol', { cookie: cookies.get('owner'), body: {}, csrf: false });
    assert.deepEqual([bare.status, (bare.body.error as { code: string }).code], [403, 'CSRF_REFUSED']);
    const foreign = await call('POST', '/api/stores/STORE-A/enrol', { cookie: cookies.get('owner'), body: {}, origin: 'https://evil.example' });
    assert.deepEqual([foreign.status, (foreign.body.error as { code: string }).code], [403, 'CSRF_REFUSED']);
    const garbage = await call('POST', '/api/stores/STORE-A/enrol', { cookie: cookies.get('owner'), body: {}, origin: 'not a url' });
    assert.equal(garbage.status, 403);
  });

  test('the session cookie is HttpOnly and SameSite=Strict (Secure on HTTPS); a forged or signed-out cookie is 401', async () => {
    const signed = await signIn('sam');
    assert.match(signed.setCookie ?? '', /HttpOnly/);
    assert.match(signed.setCookie ?? '', /SameSite=Strict/);
    assert.ok(!/Secure/.test(signed.setCookie ?? ''), 'plain HTTP on loopback: no Secure flag, or the browser would drop it');
    assert.ok(!JSON.stringify(signed.body).includes(cookieOf(signed.setCookie)), 'the cookie is not in the body');
    const forged = await call('GET', '/api/session', { cookie: 'A'.repeat(43) });
    assert.deepEqual([forged.status, (forged.body.error as { code: string }).code], [401, 'SESSION_UNKNOWN']);
    const out = await call('DELETE', '/api/session', { cookie: cookieOf(signed.setCookie) });
    assert.equal(out.status, 200);
    assert.equal((await call('GET', '/api/session', { cookie: cookieOf(signed.setCookie) })).status, 401);
  });

  test('sign-out everywhere ends every session of the account; an expired session is 401 SESSION_EXPIRED', async () => {
    await user('pat', 'supervisor', ['STORE-A']);
    const one = cookieOf((await signIn('pat')).setCookie);
    const two = cookieOf((await signIn('pat')).setCookie);
    assert.equal((await call('DELETE', '/api/session?everywhere=1', { cookie: one })).body.ended, 2);
    assert.equal((await call('GET', '/api/session', { cookie: two })).status, 401);
    const three = cookieOf((await signIn('pat')).setCookie);
    await server.database.query("UPDATE sessions SET last_seen_at = last_seen_at - 3600000 WHERE user_name = 'pat'");
    const expired = await call('GET', '/api/session', { cookie: three });
    assert.deepEqual([expired.status, (expired.body.error as { code: string }).code], [401, 'SESSION_EXPIRED']);
  });

  test('wrong passwords: the same answer for an unknown name; after 5, the account waits (429 with Retry-After); the right password then too', async () => {
    await user('quinn', 'supervisor', ['STORE-A']);
    const unknown = await signIn('nobody', 'whatever password');
    const wrong = await signIn('quinn', 'wrong password!!');
    assert.deepEqual([unknown.status, wrong.status], [401, 401]);
    assert.equal((unknown.body.error as { message: string }).message, (wrong.body.error as { message: string }).message);
    for (let i = 0; i < 4; i++) await signIn('quinn', 'wrong password!!');
    const locked = await signIn('quinn');
    assert.deepEqual([locked.status, (locked.body.error as { code: string }).code], [429, 'SIGNIN_THROTTLED']);
    const [audit] = await server.database.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE actor = 'olive' AND action = 'signed_in'");
    assert.ok(audit!.n >= 1, 'sign-ins are in the audit log');
  });

  test('a disabled account cannot sign in and its sessions end', async () => {
    await user('rory', 'supervisor', ['STORE-A']);
    const cookie = cookieOf((await signIn('rory')).setCookie);
    await adminCall(server.dir, 'POST', '/admin/users/disable', { name: 'rory' });
    assert.equal((await call('GET', '/api/session', { cookie })).status, 401);
    assert.equal((await signIn('rory')).status, 401);
  });

  test('malformed and oversized requests: 4xx naming the cause, nothing changed', async () => {
    const owner = cookies.get('owner');
    assert.equal((await call('POST', '/api/users', { cookie: owner, raw: '{nope' })).status, 400);
    const weak = await call('POST', '/api/users', { cookie: owner, body: { name: 'tiny', role: 'supervisor', stores: ['STORE-A'], password: 'short' } });
    assert.deepEqual([weak.status, (weak.body.error as { code: string }).code], [400, 'PASSWORD_WEAK']);
    const role = await call('POST', '/api/users', { cookie: owner, body: { name: 'x', role: 'admin', stores: [], password: PASSWORD } });
    assert.deepEqual([role.status, (role.body.error as { code: string }).code], [400, 'ROLE_INVALID']);
    const big = await fetch(`${server.url}/api/users`, { method: 'POST', headers: { cookie: `${SESSION_COOKIE}=${owner}`, 'x-till-csrf': '1', 'content-type': 'application/json' }, body: 'x'.repeat(9 * 1024 * 1024) });
    assert.equal(big.status, 413);
    assert.equal((await call('PUT', '/api/users', { cookie: owner, body: {} })).status, 405);
    assert.equal((await call('GET', '/api/nothing-here', { cookie: owner })).status, 404);
    const users = await adminCall<Array<{ name: string }>>(server.dir, 'GET', '/admin/users');
    assert.ok(!users.some((u) => ['tiny', 'x'].includes(u.name)));
  });

  // Last: it locks this test's one address.
  test('many wrong passwords from one address, whatever the names, lock the address too', async () => {
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++) last = (await signIn(`guess${i}`, 'wrong password!!')).status;
    assert.equal(last, 429);
  });
});
