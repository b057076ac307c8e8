import { CONFIG_FILE, readProjectConfig, type ConfigResult } from '../config.ts';
import { formatIssueText, useColor } from '../format/text.ts';
import type { Io } from './command.ts';

/** slipway.config.json for a command, or undefined after printing its located problems (the caller exits 2). */
export function projectConfig(io: Io, file = CONFIG_FILE): ConfigResult | undefined {
  const result = readProjectConfig(file);
  if (result.issues.length === 0) return result;
  const color = useColor(io.stderr, io.env);
  io.stderr.write(`${result.issues.map((i) => formatIssueText(i, { color })).join('\n')}\n${file} is invalid, so nothing was done.\n`);
  return undefined;
}
