/**
 * The CSP of every page the Electron host serves (docs/protocol.md §8). The renderer build has no
 * inline script or style, and in Electron it talks to the main process over IPC only, so it
 * may connect nowhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const CSP_HEADER = 'Content-Security-Policy';

/**
 * The response headers with our CSP in place of any the response carried (under any
 * spelling of the name), so a response cannot loosen it.
 */
export function withContentSecurityPolicy(headers: Readonly<Record<string, string[]>> | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== CSP_HEADER.toLowerCase()) result[name] = value;
  }
  result[CSP_HEADER] = [CONTENT_SECURITY_POLICY];
  return result;
}
