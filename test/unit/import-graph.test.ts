// The import graph of main/ (issue 12 §1): no cycle between files, and every folder-to-folder
// edge allowed by the layer table that lint enforces (scripts/eslint/layer-boundaries.mjs).
// The graph is read with TypeScript's own pre-processor, so every import, export-from and
// require() counts, type-only ones included.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(path.join(ROOT, 'main'))) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles.map((f) => resolveImport(file, f.fileName)).filter((t): t is string => t !== undefined);
    graph.set(path.relative(ROOT, file), targets.map((t) => path.relative(ROOT, t)));
  }
  return graph;
}

/** Tarjan's strongly connected components with more than one file (or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('main/ has no import cycle between files', () => {
  const graph = importGraph();
  assert.ok(graph.size > 150, `read the whole of main/ (${graph.size} files)`);
  assert.deepEqual(cycles(graph), []);
});

test('the cycle finder finds a cycle (so the check above can fail)', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['a.ts']],
  ]);
  assert.deepEqual(cycles(graph), [['a.ts', 'b.ts', 'c.ts']]);
});

test('every folder-to-folder edge inside main/ is in the layer table', async () => {
  const rules = (await import(path.join(ROOT, 'scripts', 'eslint', 'layer-boundaries.mjs'))) as { MAIN_LAYERS: Record<string, string[]> };
  const crossings: string[] = [];
  for (const [from, targets] of importGraph()) {
    const fromFolder = from.split(path.sep)[1]!;
    if (from.split(path.sep).length < 3) continue;
    for (const target of targets) {
      const parts = target.split(path.sep);
      if (parts[0] !== 'main' || parts.length < 3 || parts[1] === fromFolder) continue;
      if (!(rules.MAIN_LAYERS[fromFolder] ?? []).includes(parts[1]!)) crossings.push(`${from} -> ${target}`);
    }
  }
  assert.deepEqual(crossings, []);
});
