// How the semsearch command reads its arguments: the options every command takes, and the checks that
// turn a mistake in them into a UsageError (one line on stderr, exit code 2; see main.ts).
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called: shown with a hint and exit code 2. */
export class UsageError extends Error {}

const COMMON_OPTIONS = {
  db: { type: 'string' },
  dir: { type: 'string' },
  model: { type: 'string' },
  quantization: { type: 'string' },
  device: { type: 'string' },
  threads: { type: 'string' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  'max-file-bytes': { type: 'string' },
  offline: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
} as const satisfies ParseArgsConfig['options'];

export type Values = Record<string, string | boolean | string[] | undefined>;

export function parse(argv: string[], extra: ParseArgsConfig['options'] = {}): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function integerOption(values: Values, name: string, fallback: number | undefined): number | undefined {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--${name} must be a positive whole number (got "${String(raw)}")`);
  return value;
}

export function choice<T extends string>(values: Values, name: string, allowed: readonly T[], fallback: T): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${String(raw)}")`);
  return raw as T;
}

/** Options of the commands that index: how vectors are stored. */
export const STORAGE_OPTIONS = { storage: { type: 'string' }, dimensions: { type: 'string' } } as const satisfies ParseArgsConfig['options'];
