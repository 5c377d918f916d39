/** Reads a V8 `.cpuprofile` (Node's --cpu-prof, Chromium's Profiler.stop) into a short table. */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

/** Where a function lives, shortened: a package name, or a path below the project. */
function moduleOf(url: string): string {
  if (url === '') return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const project = /\/(main|server|preload|native|renderer|assets)\/(.*)$/.exec(url);
  if (project) return `${project[1]}/${project[2]}`;
  return url.replace(/^.*\//, '');
}

/** Self time per function and per module, in milliseconds per `per` (a sale), top `top`. */
export function summariseProfile(profile: CpuProfile, per: number, top = 14): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, micros] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') idle += micros;
    if (IDLE.has(frame.functionName) && frame.functionName !== '(garbage collector)') continue;
    busy += micros;
    const where = moduleOf(frame.url);
    const name = `${frame.functionName || '(anonymous)'}  ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + micros);
    mod.set(where, (mod.get(where) ?? 0) + micros);
  }
  const ms = (micros: number) => `${(micros / 1000 / per).toFixed(3).padStart(8)} ms`;
  const rows = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `  ${ms(micros)}  ${name}`)
      .join('\n');
  const wall = profile.endTime - profile.startTime;
  return [
    `wall ${ms(wall)}, on CPU ${ms(busy)}, idle ${ms(idle)} (per sale)`,
    'by module (self time):',
    rows(mod),
    'by function (self time):',
    rows(fn),
  ].join('\n');
}
