import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

/**
 * How a screen bundle is built (the till's screens, the store screen): static files any of
 * our hosts serve under a strict CSP. Relative URLs fit every host; no inline script or
 * style; no source maps shipped.
 */
export function screenBuild(rootDir: string, outDir: string): UserConfig {
  const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
  return defineConfig({
    root: here(rootDir),
    base: './',
    plugins: [react()],
    build: {
      outDir: here(outDir),
      emptyOutDir: true,
      target: 'chrome120',
      // The polyfill would be an inline script; Chromium has modulepreload.
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      sourcemap: false,
      reportCompressedSize: true,
    },
    server: { fs: { allow: [here('.')] } },
  });
}
