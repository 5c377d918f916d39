import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The screens' build: static files the Electron host serves on app://till/ and the web
// host on http://127.0.0.1:PORT/. Relative URLs fit both; no inline script or style, so
// the hosts' CSP can stay strict.
const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    // The polyfill would be an inline script; Chromium has modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: { fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] } },
});
