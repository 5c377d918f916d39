import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './output';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** util.parseArgs with errors a person can act on, and no silent unknown flags. */
export function parse(args: string[], options: Options, positionals: { min: number; max: number; usage: string }) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}\nusage: ${positionals.usage}`);
  }
  if (parsed.positionals.length < positionals.min || parsed.positionals.length > positionals.max) {
    throw new UsageError(`usage: ${positionals.usage}`);
  }
  return parsed as { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
}

export function stringOption(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requireOption(values: Record<string, unknown>, name: string, usage: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required\nusage: ${usage}`);
  return value;
}
