import type { OwnHost } from './own-host';

/**
 * Headers every answer of the web host carries, errors included. The CSP is the strict one
 * of docs/protocol.md §8: the renderer build has no inline script or style, and the only place it
 * may connect to is this host's own bridge.
 */

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ws://127.0.0.1:${port}`,
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(host: Pick<OwnHost, 'port'>): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(host.port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=()',
  };
}
