import type { IncomingMessage, ServerResponse } from 'node:http';
import { customerPage, messagePage, PAGE_HEADERS, picturePlaceholder } from './customer-page';
import { sendError, sendJson, sendText, wantsJson } from './http-io';
import type { OrderBook } from './order-book';

/** The customer's side of the QR: /qr/<token>, /qr/<token>/pay, /qr/<token>/pic. */

const HTML_TYPE = 'text/html; charset=utf-8';
export const QR_PATH = /^\/qr\/([A-Za-z0-9_-]{1,64})(\/pay|\/pic)?$/;

function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string, message: string): void {
  if (wantsJson(req)) sendError(res, status, error, message);
  else sendText(res, status, HTML_TYPE, messagePage(status === 404 ? 'Unknown QR code' : 'Cannot pay', message), PAGE_HEADERS);
}

export function serveCustomer(req: IncomingMessage, res: ServerResponse, token: string, action: string | undefined, book: OrderBook, query: URLSearchParams): void {
  const method = req.method ?? '';
  if (action === '/pic' && method === 'GET') {
    if (!book.customerView(token)) return refuse(req, res, 404, 'not_found', 'this QR code is not an order of this sandbox');
    sendText(res, 200, 'image/svg+xml; charset=utf-8', picturePlaceholder(query.get('size') ?? 'M'));
    return;
  }
  if (action === undefined && method === 'GET') {
    const view = book.customerView(token);
    if (!view) return refuse(req, res, 404, 'not_found', 'this QR code is not an order of this sandbox');
    if (wantsJson(req)) sendJson(res, 200, view.order);
    else sendText(res, 200, HTML_TYPE, customerPage(view, token), PAGE_HEADERS);
    return;
  }
  if (action === '/pay' && method === 'POST') {
    const paid = book.payByToken(token);
    if (!paid.ok) return refuse(req, res, paid.reason === 'not_found' ? 404 : 409, paid.reason, paid.message);
    // A browser is sent back to the page (no re-POST on reload); a program gets the order.
    if (wantsJson(req)) sendJson(res, 200, paid.order);
    else sendText(res, 303, HTML_TYPE, messagePage('Paid', 'Payment done.'), { ...PAGE_HEADERS, Location: `/qr/${token}` });
    return;
  }
  sendError(res, 405, 'method_not_allowed', `${method} is not allowed here; GET /qr/<token> shows the order, POST /qr/<token>/pay pays it`, {
    Allow: action === '/pay' ? 'POST' : 'GET',
  });
}
