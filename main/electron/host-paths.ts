import path from 'node:path';

/** Where the compiled host (dist/main/electron) finds the renderer build and the bundled preload. */
export function hostPaths(hostDir: string = __dirname): { rendererDir: string; preload: string } {
  const dist = path.resolve(hostDir, '..', '..');
  return {
    rendererDir: path.join(dist, 'renderer'),
    preload: path.join(dist, 'preload', 'preload.js'),
  };
}
