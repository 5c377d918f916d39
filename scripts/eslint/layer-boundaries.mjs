// The folder rules of docs/architecture.md ("Dependencies point one way, and lint rules enforce it"),
// as one ESLint rule. Every import specifier (import/export-from, dynamic import(),
// require(), `import x = require()`, `typeof import()`) is resolved against the importing
// file, so `../../main/x` from renderer/ is caught whatever the spelling; bare specifiers
// are matched by package name. One report per specifier: the first rule it breaks.
import path from 'node:path';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';

const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const NATIVE_PACKAGES = new Set(['better-sqlite3', 'keytar', 'serialport']);
const REACT_PACKAGES = new Set(['react', 'react-dom']);

/** Each rule: its id (shown in the message) and the docs/architecture.md reason, one line. */
export const RULES = {
  'renderer-imports': 'the renderer has no Node and no secrets; it speaks only the preload contract (types and schemas)',
  'preload-imports': 'preload is the only bridge; it stands alone so the contract can be shared with the renderer',
  'contract-is-pure': 'the contract is imported by the renderer, so it holds only types, channel names and schemas',
  'native-imports': 'native/ wraps native packages only; dependencies point one way, main depends on native',
  'main-imports': 'the main process never imports the renderer (or React); it serves the renderer build',
  'electron-only-in-hosts': 'only main/electron and the Electron preload touch electron; everything else (tests included) is plain TypeScript that runs under Node without an Electron binary',
  'native-packages-only-in-native': 'only native/ imports better-sqlite3, keytar and serialport (ABI handling lives there)',
  'react-only-in-renderer': 'React draws screens in the renderer; the main process never imports React',
  'no-test-imports': 'shipped code never depends on test/',
  'main-layer-order': 'inside main/ dependencies point one way: a folder imports only the folders below it in the layer table',
  'native-only-below': 'only the folders that own a native resource (journal, config, devices, runtime) import native/',
  'server-stands-alone': 'the store server imports nothing of the till (main/, native/, renderer/) but the pure contract; it runs without a terminal',
  'main-reaches-server': 'the till reaches the store server only through its wire protocol (server/protocol, from main/sync) and the `till server` command (main/cli)',
};

/**
 * The layer table of main/ (docs/architecture.md, "Layers"), as VS Code's code-layering
 * rule keeps theirs: each folder and what it may import inside main/. Files at main/'s
 * root (errors.ts) are below every folder. The hosts and the CLI stand side by side on
 * runtime and never import each other; what both hosts serve lives below them.
 */
const BASE = ['alipay', 'journal', 'config', 'checkout', 'devices', 'sync'];
const UNDER_HOSTS = [...BASE, 'ipc', 'runtime'];
export const MAIN_LAYERS = {
  alipay: [],
  journal: ['alipay'],
  config: ['alipay', 'journal'],
  checkout: ['alipay', 'journal', 'config'],
  devices: ['alipay', 'journal', 'config', 'checkout'],
  // Sends the journal to the store server: reads the journal, uses the gateway's transport
  // rules and the engine's backoff; beside devices, neither needs the other.
  sync: ['alipay', 'journal', 'config', 'checkout'],
  ipc: BASE,
  runtime: [...BASE, 'ipc'],
  serve: [],
  web: [...UNDER_HOSTS, 'serve'],
  // The packaged app has no Node to run `till` with: it answers `alipay-till till …` with
  // the CLI in its main process (issue 15 §1, main/electron/till-command.ts).
  electron: [...UNDER_HOSTS, 'serve', 'cli'],
  // The CLI opens a till through runtime; it has no screens, so no router.
  cli: [...BASE, 'runtime'],
};

/** main/ folders that own a native resource: the SQLite file, the keychain, the serial ports. */
export const NATIVE_OWNERS = new Set(['journal', 'config', 'devices', 'runtime']);

/** 'main/ipc/router.ts' -> 'ipc'; 'main/errors.ts' -> '' (main's root); anything else -> null. */
function mainFolderOf(relPath) {
  const parts = relPath.split('/');
  if (parts[0] !== 'main') return null;
  return parts.length > 2 ? parts[1] : '';
}

/** The layer-table rule an import inside main/ breaks, or null. */
export function checkMainOrder(fromRel, target) {
  const from = mainFolderOf(fromRel);
  if (from === null || from === '' || target.kind !== 'file') return null;
  if (target.layer === 'server/protocol') return from === 'sync' || from === 'cli' ? null : 'main-reaches-server';
  if (target.layer === 'server') return from === 'cli' ? null : 'main-reaches-server';
  if (target.layer === 'native') return NATIVE_OWNERS.has(from) ? null : 'native-only-below';
  const to = mainFolderOf(target.rel);
  if (to === null || to === '' || to === from) return null;
  const allowed = MAIN_LAYERS[from];
  // A folder missing from the table imports nothing of main/ until it is given a row.
  return allowed !== undefined && allowed.includes(to) ? null : 'main-layer-order';
}

function toPosix(p) {
  return p.split(path.sep).join('/');
}

/** 'react-dom/client' -> 'react-dom', '@serialport/bindings-cpp/x' -> '@serialport/bindings-cpp' */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isNativePackage(name) {
  return NATIVE_PACKAGES.has(name) || name.startsWith('@serialport/');
}

/** Where a file sits: 'main', 'main/electron', 'preload', 'preload/contract', 'renderer', ... */
function layerOf(relPath) {
  if (relPath === '..' || relPath.startsWith('../') || path.isAbsolute(relPath)) return 'outside';
  const [top, second = ''] = relPath.split('/');
  if (top === 'main' && second === 'electron') return 'main/electron';
  if (top === 'preload' && second.startsWith('contract')) return 'preload/contract';
  if (top === 'server' && second === 'protocol') return 'server/protocol';
  if (['main', 'preload', 'renderer', 'native', 'test', 'server'].includes(top)) return top;
  return 'other';
}

/**
 * What an import points at: { kind: 'file', rel, layer } for a path inside or outside the
 * repo, { kind: 'builtin', name } for node: and builtin modules, { kind: 'package', name }.
 */
function classifyTarget(specifier, fromFile, root) {
  const bare = specifier.replace(/[?#].*$/, '');
  if (bare.startsWith('.') || path.isAbsolute(bare)) {
    const abs = path.resolve(path.dirname(fromFile), bare);
    const rel = toPosix(path.relative(root, abs));
    return { kind: 'file', rel, layer: layerOf(rel) };
  }
  if (bare.startsWith('node:') || isBuiltin(bare)) return { kind: 'builtin', name: bare };
  return { kind: 'package', name: packageName(bare) };
}

/** Returns the id of the first rule this import breaks, or null. */
export function check(fromLayer, target) {
  const isFile = target.kind === 'file';
  const isPkg = target.kind === 'package';
  const isElectron = isPkg && target.name === 'electron';

  if (fromLayer === 'test') {
    return isElectron ? 'electron-only-in-hosts' : null;
  }
  if (fromLayer === 'renderer') {
    if (isFile) return target.layer === 'renderer' || target.layer === 'preload/contract' ? null : 'renderer-imports';
    if (target.kind === 'builtin' || isElectron || isNativePackage(target.name)) return 'renderer-imports';
    return null;
  }
  if (fromLayer === 'preload' || fromLayer === 'preload/contract') {
    if (isFile) return target.layer === 'preload' || target.layer === 'preload/contract' ? null : 'preload-imports';
    if (target.kind === 'builtin') return 'preload-imports';
    if (isElectron) return fromLayer === 'preload/contract' ? 'contract-is-pure' : null;
  }
  if ((fromLayer === 'server' || fromLayer === 'server/protocol') && isFile) {
    const allowed = fromLayer === 'server/protocol' ? ['server/protocol'] : ['server', 'server/protocol', 'preload/contract'];
    if (!allowed.includes(target.layer)) return 'server-stands-alone';
  }
  if ((fromLayer === 'server' || fromLayer === 'server/protocol') && isPkg && (isElectron || isNativePackage(target.name) || REACT_PACKAGES.has(target.name))) {
    return 'server-stands-alone';
  }
  if ((fromLayer === 'main' || fromLayer === 'main/electron') && isFile && (target.layer === 'server' || target.layer === 'server/protocol')) {
    return null; // main/ → server/ is checked by checkMainOrder, which knows the folder
  }
  if (fromLayer === 'native' && isFile && ['main', 'main/electron', 'preload', 'preload/contract', 'renderer'].includes(target.layer)) {
    return 'native-imports';
  }
  if ((fromLayer === 'main' || fromLayer === 'main/electron') && isFile && target.layer === 'renderer') {
    return 'main-imports';
  }
  if (['main', 'main/electron', 'preload', 'preload/contract', 'native', 'renderer', 'server', 'server/protocol'].includes(fromLayer) && isFile && target.layer === 'test') {
    return 'no-test-imports';
  }
  if (isElectron && fromLayer !== 'main/electron' && fromLayer !== 'preload') return 'electron-only-in-hosts';
  if (isPkg && isNativePackage(target.name) && fromLayer !== 'native') return 'native-packages-only-in-native';
  if (isPkg && REACT_PACKAGES.has(target.name) && fromLayer !== 'renderer') return 'react-only-in-renderer';
  return null;
}

function literalValue(node) {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  if (node.type === 'TSLiteralType') return literalValue(node.literal);
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layerBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the folder dependency rules of docs/architecture.md' },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' } },
        additionalProperties: false,
      },
    ],
    messages: {
      violation: "{{rule}}: '{{specifier}}' is not allowed in {{where}} — {{reason}} (docs/architecture.md).",
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? DEFAULT_ROOT;
    const filename = context.filename;
    if (!path.isAbsolute(filename)) return {};
    const relFile = toPosix(path.relative(root, filename));
    const fromLayer = layerOf(relFile);
    if (fromLayer === 'outside') return {};
    const where = fromLayer === 'other' ? relFile : `${fromLayer}/`;

    function checkSpecifier(sourceNode) {
      const specifier = literalValue(sourceNode);
      if (specifier === null) return;
      const target = classifyTarget(specifier, filename, root);
      const rule = check(fromLayer, target) ?? checkMainOrder(relFile, target);
      if (rule === null) return;
      context.report({
        node: sourceNode,
        messageId: 'violation',
        data: { rule, specifier, where, reason: RULES[rule] },
      });
    }

    return {
      ImportDeclaration: (node) => checkSpecifier(node.source),
      ExportNamedDeclaration: (node) => checkSpecifier(node.source),
      ExportAllDeclaration: (node) => checkSpecifier(node.source),
      ImportExpression: (node) => checkSpecifier(node.source),
      TSImportEqualsDeclaration: (node) => {
        if (node.moduleReference.type === 'TSExternalModuleReference') checkSpecifier(node.moduleReference.expression);
      },
      TSImportType: (node) => checkSpecifier(node.source ?? node.argument),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length >= 1) {
          checkSpecifier(node.arguments[0]);
        }
      },
    };
  },
};

export default {
  meta: { name: 'till-local' },
  rules: { 'layer-boundaries': layerBoundaries },
};
