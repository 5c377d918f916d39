import { isTillError } from '../errors';

/**
 * Two audiences: a person at the terminal (short lines) and scripts (`--json`: one JSON
 * document on stdout, keys documented in the README and never renamed).
 */

export const EXIT = { ok: 0, failed: 1, usage: 2, unknown: 3, declined: 4, notPaid: 5 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Output {
  json: boolean;
  /** A human line (suppressed in --json mode). */
  say(line: string): void;
  /** The --json document (printed only in --json mode). */
  result(value: unknown): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    say(line) {
      if (!json) process.stdout.write(`${line}\n`);
    },
    result(value) {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}

/** Errors never print stacks or secrets: code, field and the message the error was built with. */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof UsageError) {
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code: 'USAGE', message: error.message } }, null, 2)}\n`);
    else process.stderr.write(`till: ${error.message}\nRun \`till --help\` for usage.\n`);
    return EXIT.usage;
  }
  if (isTillError(error)) {
    const payload = { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) };
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: payload }, null, 2)}\n`);
    else process.stderr.write(`till: ${error.message} [${error.code}]\n`);
    return EXIT.failed;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code: 'INTERNAL', message } }, null, 2)}\n`);
  else process.stderr.write(`till: unexpected error: ${message}\n`);
  if (process.env.TILL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return EXIT.failed;
}
