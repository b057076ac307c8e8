import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest } from '../load/suggest.ts';
import { UsageError } from './command.ts';

/** node:util parseArgs, with its errors turned into usage errors (exit 2) that suggest the option meant. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T, allowPositionals = false) {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as const;
  try {
    return parseArgs({ args: [...args], options: all, allowPositionals, strict: true });
  } catch (e) {
    const message = (e as Error).message;
    const unknown = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
    if (unknown) {
      const guess = closest(unknown, Object.keys(all).map((name) => `--${name}`));
      throw new UsageError(`Unknown option '${unknown}'.`, guess ? `Did you mean "${guess}"?` : undefined);
    }
    throw new UsageError(message.split('. ')[0]!.replace(/\.?$/, '.'));
  }
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const guess = closest(value, allowed);
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}".`, guess ? `Did you mean "${guess}"?` : undefined);
}
