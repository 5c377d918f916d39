/**
 * The request path of a static file, as segments under the renderer build, or null when the
 * path must not be served: anything that could climb out (`..`, encoded or not, backslashes,
 * NUL), and every dot-segment or dotfile (`.`, `.git`, `.env`), which a build never needs.
 * `/` is the app itself.
 */
export function staticPathSegments(requestUrl: string): string[] | null {
  if (!requestUrl.startsWith('/')) return null;
  const rawPath = requestUrl.split(/[?#]/, 1)[0] ?? '';
  if (rawPath === '/') return ['index.html'];
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '' || segment.startsWith('.') || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}
