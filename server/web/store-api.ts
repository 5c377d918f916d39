import type { IncomingMessage } from 'node:http';
import { createEnrolCode, listTerminals, revokeTerminal } from '../store/enrolment';
import { storeReport } from '../store/report';
import { ServerError } from '../http/server-error';
import { field, readJson, Reply, StreamReply, TextReply, type Handler, type HandlerContext } from '../http/handlers';
import type { StoreEvents } from './store-events';
import { dayCsv, orderDetail, searchOrders } from '../store/orders';
import { closeStoreDay, storeDayClose, storeZ } from '../store/store-close';
import { sessionStillValid, sessionUser, signIn, signOut } from '../accounts/sessions';
import { canSee, createUser, listUsers, type Role, type User } from '../accounts/users';

/**
 * The store screen's API (issue 14), under /api/, for signed-in staff. Who may call what is
 * one table (ACCESS below): anyone may sign in; every other route needs a session; routes
 * naming a store need a user who may see it (owners all, supervisors theirs); `owner` routes
 * need an owner. A store the user may not see is a 404, as if it did not exist, so names
 * of other stores do not leak. State-changing requests need the `x-till-csrf` header
 * (another site cannot send it without a preflight this server never answers) and, when
 * the browser says where it comes from, an Origin of this server.
 */

export const SESSION_COOKIE = 'till_store_session';
export const CSRF_HEADER = 'x-till-csrf';

type Access = 'anyone' | 'signed-in' | 'store' | 'owner';

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: string;
  access: Access;
  run(ctx: ApiContext): Promise<unknown>;
}

interface ApiContext {
  request: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  user: (User & { session: string }) | null;
  now: number;
}

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

async function visibleStores(ctx: HandlerContext, user: User): Promise<Array<{ id: string; terminals: number }>> {
  const rows = await ctx.db.query<{ id: string; terminals: number }>('SELECT s.id, count(t.id)::int AS terminals FROM stores s LEFT JOIN terminals t ON t.store_id = s.id GROUP BY s.id ORDER BY s.id');
  return rows.filter((r) => canSee(user, r.id));
}

function dayOf(url: URL): string {
  return url.searchParams.get('date') ?? new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

export interface StoreApiOptions {
  secureCookies: boolean;
  events: StoreEvents;
  staleAfterMs?: number;
}

export function storeApiRoutes(ctx: HandlerContext, options: StoreApiOptions): Route[] {
  const cookie = (value: string, maxAgeS: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${options.secureCookies ? '; Secure' : ''}`;
  return [
    {
      method: 'POST',
      pattern: '/api/session',
      access: 'anyone',
      async run({ request, now }) {
        const body = await readJson(request);
        const signed = await signIn(ctx.db, { name: field(body, 'name', 64), password: field(body, 'password', 256), address: request.socket.remoteAddress ?? '?', now });
        return new Reply({ user: signed.user }, { 'set-cookie': cookie(signed.cookie, Math.floor((signed.expiresAt - now) / 1000)) });
      },
    },
    {
      method: 'GET',
      pattern: '/api/session',
      access: 'signed-in',
      // With the stores this user may see, so the screen's first paint needs no second round trip.
      run: async ({ user }) => ({ user: { name: user!.name, role: user!.role, stores: user!.stores }, visible: await visibleStores(ctx, user!) }),
    },
    {
      method: 'DELETE',
      pattern: '/api/session',
      access: 'signed-in',
      async run({ user, url, now }) {
        const ended = await signOut(ctx.db, user!.session, user!.name, url.searchParams.get('everywhere') === '1', now);
        return new Reply({ ended }, { 'set-cookie': cookie('', 0) });
      },
    },
    {
      method: 'GET',
      pattern: '/api/stores',
      access: 'signed-in',
      run: async ({ user }) => ({ stores: await visibleStores(ctx, user!) }),
    },
    { method: 'GET', pattern: '/api/stores/:store/day', access: 'store', run: async ({ params, url, now }) => storeReport(ctx.db, { store: params.store!, date: dayOf(url), now, staleAfterMs: options.staleAfterMs }) },
    {
      method: 'GET',
      pattern: '/api/stores/:store/orders',
      access: 'store',
      run: async ({ params, url }) => {
        const q = (name: string) => url.searchParams.get(name) ?? undefined;
        return searchOrders(ctx.db, params.store!, { q: q('q'), state: q('state'), amountMinor: q('amount'), terminal: q('terminal'), from: q('from'), to: q('to'), after: q('after') });
      },
    },
    { method: 'GET', pattern: '/api/stores/:store/orders/:terminal/:id', access: 'store', run: async ({ params }) => orderDetail(ctx.db, params.store!, params.terminal!, params.id!) },
    {
      method: 'GET',
      pattern: '/api/stores/:store/day.csv',
      access: 'store',
      run: async ({ params, url }) => {
        const day = dayOf(url);
        return new TextReply(await dayCsv(ctx.db, params.store!, day), 'text/csv; charset=utf-8', `${params.store}-${day}.csv`);
      },
    },
    {
      method: 'GET',
      pattern: '/api/stores/:store/events',
      access: 'store',
      async run({ params, user }) {
        if (options.events.full) throw new ServerError(503, 'TOO_MANY_STREAMS', 'too many screens are open on this server just now; the screen asks again by itself');
        const store = params.store!;
        const allowed = async () => {
          const still = await sessionStillValid(ctx.db, user!.session, ctx.now());
          return still !== null && canSee(still, store);
        };
        return new StreamReply('text/event-stream; charset=utf-8', (response) => void options.events.watch(store, response, allowed));
      },
    },
    { method: 'GET', pattern: '/api/stores/:store/close', access: 'store', run: async ({ params, url }) => storeDayClose(ctx.db, params.store!, dayOf(url)) },
    {
      method: 'POST',
      pattern: '/api/stores/:store/close',
      access: 'store',
      async run({ params, url, user, now }) {
        // Named, never "today" by default: closing is not undone.
        const date = url.searchParams.get('date');
        if (!date) throw new ServerError(400, 'DATE_MISSING', 'say which day to close: ?date=2026-12-04', 'date');
        const z = await closeStoreDay(ctx.db, { store: params.store!, date, by: user!.name, now });
        ctx.log(`${user!.name} closed the day ${z.day} of ${z.store}`);
        return z;
      },
    },
    {
      method: 'GET',
      pattern: '/api/stores/:store/z',
      access: 'store',
      async run({ params, url }) {
        const z = await storeZ(ctx.db, params.store!, dayOf(url));
        if (!z) throw new ServerError(404, 'DAY_NOT_CLOSED', `the store's day ${dayOf(url)} is not closed: its Z report exists once it is`, 'date');
        return z;
      },
    },
    { method: 'GET', pattern: '/api/stores/:store/terminals', access: 'store', run: async ({ params }) => ({ terminals: await listTerminals(ctx.db, params.store) }) },
    {
      method: 'POST',
      pattern: '/api/stores/:store/enrol',
      access: 'owner',
      async run({ params, request, user, now }) {
        const body = (await readJson(request)) as Record<string, unknown>;
        const code = await createEnrolCode(ctx.db, { store: params.store!, name: body.name === undefined ? undefined : field(body, 'name', 64), now });
        ctx.log(`${user!.name} made an enrolment code for ${code.name} in ${code.store}`);
        return code;
      },
    },
    {
      method: 'POST',
      pattern: '/api/stores/:store/terminals/:id/revoke',
      access: 'owner',
      async run({ params, now }) {
        const terminal = (await listTerminals(ctx.db, params.store)).find((t) => t.id === params.id);
        if (!terminal) throw new ServerError(404, 'TERMINAL_NOT_FOUND', `store ${params.store} has no terminal ${JSON.stringify(params.id!.slice(0, 64))}`, 'id');
        return revokeTerminal(ctx.db, terminal.id, now);
      },
    },
    { method: 'GET', pattern: '/api/users', access: 'owner', run: async () => ({ users: await listUsers(ctx.db) }) },
    {
      method: 'POST',
      pattern: '/api/users',
      access: 'owner',
      async run({ request, user, now }) {
        const body = (await readJson(request)) as Record<string, unknown>;
        const stores = Array.isArray(body.stores) ? body.stores.map(String) : [];
        const created = await createUser(ctx.db, { name: field(body, 'name', 64), role: field(body, 'role', 16) as Role, stores, password: field(body, 'password', 256), by: user!.name, now });
        return new Reply({ user: created }, {}, 201);
      },
    },
  ];
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(got[i]!);
      } catch {
        return null;
      }
      if (value.length === 0 || value.length > 64) return null;
      params[want[i]!.slice(1)] = value;
    } else if (want[i] !== got[i]) return null;
  }
  return params;
}

/** One handler for every /api/ route: match, check CSRF, find the user, apply ACCESS. */
export function storeApi(ctx: HandlerContext, options: StoreApiOptions): Handler {
  const routes = storeApiRoutes(ctx, options);
  return async (request, url) => {
    const candidates = routes.map((r) => ({ route: r, params: match(r.pattern, url.pathname) })).filter((c) => c.params !== null);
    if (candidates.length === 0) throw new ServerError(404, 'NOT_FOUND', `no ${url.pathname.slice(0, 100)} here`);
    const found = candidates.find((c) => c.route.method === request.method);
    if (!found) throw new ServerError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${url.pathname.slice(0, 100)}`);
    const { route, params } = found;
    if (route.method !== 'GET') {
      if (request.headers[CSRF_HEADER] !== '1') throw new ServerError(403, 'CSRF_REFUSED', `a state-changing request needs the ${CSRF_HEADER} header`);
      const origin = request.headers.origin;
      if (origin !== undefined && hostOf(origin) !== request.headers.host) throw new ServerError(403, 'CSRF_REFUSED', 'this request comes from another site');
    }
    const now = ctx.now();
    const user = route.access === 'anyone' ? null : await sessionUser(ctx.db, cookieOf(request, SESSION_COOKIE), now);
    if (route.access === 'owner' && user!.role !== 'owner') throw new ServerError(403, 'OWNER_ONLY', 'only an owner may do this');
    if ((route.access === 'store' || route.access === 'owner') && params!.store !== undefined && !canSee(user!, params!.store)) {
      throw new ServerError(404, 'STORE_NOT_FOUND', `no store ${JSON.stringify(params!.store.slice(0, 64))}`);
    }
    return route.run({ request, url, params: params!, user, now });
  };
}
