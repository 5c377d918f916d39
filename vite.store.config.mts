import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The store screen's build (issue 14): its own entry, so the till's bundle does not grow,
// served by the store server at `/`. The same React, styles and money helpers as the till.
const root = fileURLToPath(new URL('./renderer/store', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/store', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: { fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] } },
});
