// The Electron preload as one CommonJS file: a sandboxed preload can require only `electron`
// (and a few Node polyfills), never our other modules, so the contract is bundled in.
// Writes dist/preload/preload.js next to tsc's dist/preload/contract, which it must not wipe.
import path from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: path.join(root, 'dist', 'preload'),
    emptyOutDir: false,
    copyPublicDir: false,
    // Electron 45 is Chromium 140.
    target: 'chrome140',
    minify: false,
    sourcemap: false,
    lib: {
      entry: path.join(root, 'preload', 'electron', 'preload.ts'),
      formats: ['cjs'],
      fileName: () => 'preload.js',
    },
    rolldownOptions: {
      external: ['electron'],
    },
  },
});
