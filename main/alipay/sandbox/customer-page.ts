import { minorUnits } from '../currency';
import { escapeHtml } from './http-io';
import type { CustomerView } from './order-book';

/**
 * What the simulated customer sees after scanning the QR: the amount, who is asking, and a
 * Pay button. Static HTML, a form POST, no script: it works in any browser a tester has.
 */

// 'same-origin', not 'no-referrer': under no-referrer a browser sends `Origin: null` with
// the Pay form's POST, which the sandbox's origin check refuses (request-origin.ts).
export const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'same-origin',
};

/** "239" USD → "2.39 USD", by string, never through a float. */
export function displayAmount(digits: string, currency: string): string {
  const places = minorUnits(currency);
  if (places === 0) return `${digits} ${currency}`;
  const padded = digits.padStart(places + 1, '0');
  return `${padded.slice(0, -places)}.${padded.slice(-places)} ${currency}`;
}

const STATUS_TEXT: Record<string, string> = {
  INIT: 'Waiting for payment',
  SUCCESS: 'Paid',
  CANCELLED: 'Cancelled by the merchant',
  CLOSED: 'Closed (expired)',
};

export function customerPage(view: CustomerView, token: string, notice?: string): string {
  const o = view.order;
  const status = o.reversed ? 'Paid, then reversed by the merchant' : (STATUS_TEXT[o.status] ?? o.status);
  const button =
    o.status === 'INIT'
      ? `<form method="post" action="/qr/${escapeHtml(token)}/pay"><button type="submit" id="pay">Pay ${escapeHtml(displayAmount(o.amount, o.currency))}</button></form>`
      : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Alipay sandbox – pay</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}.amount{font-size:2rem;font-weight:bold}
button{font-size:1.2rem;padding:.6rem 1.4rem}.note{color:#a00}</style></head>
<body><p><strong>SANDBOX</strong> – no real money moves.</p>
<h1 id="merchant">${escapeHtml(view.merchantName || o.merchantId)}</h1>
<p id="title">${escapeHtml(view.title)}</p>
<p class="amount" id="amount">${escapeHtml(displayAmount(o.amount, o.currency))}</p>
<p>Status: <span id="status" data-status="${escapeHtml(o.status)}">${escapeHtml(status)}</span></p>
${notice ? `<p class="note" id="notice">${escapeHtml(notice)}</p>` : ''}${button}
<p><small>Order ${escapeHtml(o.merchantTransId)}</small></p></body></html>
`;
}

export function messagePage(title: string, message: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1><p id="message">${escapeHtml(message)}</p></body></html>
`;
}

/**
 * The sandbox has no QR encoder; the pic URLs answer a labelled placeholder so a till that
 * shows them visibly shows the wrong thing. The till draws its own QR from orderQrCode.
 */
export function picturePlaceholder(size: string): string {
  const px = size === 'S' ? 120 : size === 'L' ? 480 : 240;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 240 240">` +
    '<rect width="240" height="240" fill="#fff" stroke="#000" stroke-width="4"/>' +
    '<text x="120" y="110" font-size="18" text-anchor="middle" font-family="sans-serif">SANDBOX</text>' +
    '<text x="120" y="140" font-size="12" text-anchor="middle" font-family="sans-serif">no QR picture: use orderQrCode</text></svg>';
}
