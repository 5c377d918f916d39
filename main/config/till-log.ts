import fs from 'node:fs';
import path from 'node:path';

/**
 * The till's log (issue 15 §3, docs/operations.md "Logs"): one JSON line per entry in
 * `<data dir>/logs/till.log`, rotated by size (till.log.1 … till.log.N, the oldest dropped),
 * levels, and what must never be in it taken out before anything is written: fields named
 * like a secret (key, token, secret, password, pin, body, raw…) and any PEM block in a
 * message. Written synchronously: a line logged just before a crash is on disk.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const LOG_FILE = 'till.log';
export const LOG_DIR = 'logs';

export interface TillLogOptions {
  /** Rotate when the file would pass this many bytes. */
  maxBytes?: number;
  /** Rotated files kept beside the current one. */
  keep?: number;
  level?: LogLevel;
  /** Also hand each line's message here (a host's stderr), if given. */
  echo?: (line: string) => void;
  now?: () => number;
}

export interface TillLog {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  readonly file: string;
  close(): void;
}

const SECRET_FIELD = /key|token|secret|password|passwd|pin|cookie|authori[sz]ation|signature|body|raw|pem/i;
const PEM = /-----BEGIN [^-]+-----[\s\S]*?(-----END [^-]+-----|$)/g;

/** What may be written of a value: secrets by name are replaced, PEM blocks cut out, long text cut short. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(PEM, '[PEM removed]').slice(0, 2000);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

export function openTillLog(dataDir: string, options: TillLogOptions = {}): TillLog {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 5;
  const min = ORDER[options.level ?? 'info'];
  const now = options.now ?? Date.now;
  const dir = path.join(dataDir, LOG_DIR);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, LOG_FILE);
  let fd = fs.openSync(file, 'a', 0o600);
  let size = fs.fstatSync(fd).size;

  const rotate = () => {
    fs.closeSync(fd);
    fs.rmSync(`${file}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) if (fs.existsSync(`${file}.${i}`)) fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    fs.renameSync(file, `${file}.1`);
    fd = fs.openSync(file, 'a', 0o600);
    size = 0;
  };

  const log = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < min) return;
    const entry = { t: new Date(now()).toISOString(), level, msg: redact(msg), ...(redact(fields) as Record<string, unknown>) };
    const line = `${JSON.stringify(entry)}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (size > 0 && size + bytes > maxBytes) rotate();
      fs.writeSync(fd, line);
      size += bytes;
    } catch {
      // A full disk must not stop a sale: the line is lost, the till goes on.
    }
    options.echo?.(`${level === 'info' ? '' : `${level}: `}${entry.msg as string}`);
  };
  return {
    file,
    log,
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    close: () => fs.closeSync(fd),
  };
}

/** A log that cannot be opened (a full disk, a read-only folder) must not stop the till: it then writes nothing but the echo. */
export function openTillLogOrEcho(dataDir: string, options: TillLogOptions = {}): TillLog {
  try {
    return openTillLog(dataDir, options);
  } catch {
    const log = (level: LogLevel, msg: string) => options.echo?.(`${level === 'info' ? '' : `${level}: `}${String(redact(msg))}`);
    return { file: '', log, debug: (m) => log('debug', m), info: (m) => log('info', m), warn: (m) => log('warn', m), error: (m) => log('error', m), close: () => undefined };
  }
}

/** The log's entries, oldest first, from the rotated files and the current one; `sinceMs` keeps the newer. */
export function readTillLog(dataDir: string, options: { sinceMs?: number; keep?: number } = {}): Array<Record<string, unknown>> {
  const file = path.join(dataDir, LOG_DIR, LOG_FILE);
  const files = [...Array.from({ length: options.keep ?? 5 }, (_, i) => `${file}.${(options.keep ?? 5) - i}`), file].filter((f) => fs.existsSync(f));
  const entries: Array<Record<string, unknown>> = [];
  for (const f of files) {
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (options.sinceMs === undefined || Date.parse(String(entry.t)) >= options.sinceMs) entries.push(entry);
      } catch {
        // A line cut by a crash mid-write: skipped.
      }
    }
  }
  return entries;
}
