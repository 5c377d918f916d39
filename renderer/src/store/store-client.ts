/**
 * The store screen's calls to its server (server/web/store-api.ts): same origin, the
 * session cookie sent by the browser (HttpOnly: this code never sees it), and the CSRF
 * header on every call that changes something.
 */

export interface ApiError {
  code: string;
  message: string;
}

export class StoreCallError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

export async function storeCall<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(method === 'GET' ? {} : { 'x-till-csrf': '1' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = (await response.json().catch(() => ({ error: { code: 'REPLY_INVALID', message: 'the server answered with something that is not JSON' } }))) as { error?: ApiError };
  if (!response.ok) throw new StoreCallError(response.status, parsed.error ?? { code: `HTTP_${response.status}`, message: response.statusText });
  return parsed as T;
}
