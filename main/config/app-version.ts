import fs from 'node:fs';
import path from 'node:path';

/**
 * This till's version, from the package.json it was built from: the nearest one above this
 * file named alipay-till (the same whether run from source, from dist/ or from a package).
 * `till --version` prints it; the store sync sends it so the terminals screen shows it.
 */
let cached: string | undefined;

export function appVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'alipay-till' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // No package.json here, or not ours: look one folder up.
    }
    if (path.dirname(dir) === dir) return (cached = 'unknown');
  }
}
