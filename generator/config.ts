// slipway.config.json (optional, in the working directory): project settings that belong to no
// environment. Its problems are located issues like an environment file's; commands stop with
// exit 2 on them, since the input files were never read.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from '../schema/zod.ts';
import type { Issue } from './issues.ts';
import { schemaIssues } from './load/schema-issues.ts';

export const CONFIG_FILE = 'slipway.config.json';

const configSchema = z.strictObject({
  schemaLocations: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('Where Kubernetes JSON Schemas come from: "embedded" (the set inside Slipway, the default), folders in kubeconform layout, templates or URLs.'),
  kubernetesVersions: z
    .record(z.string().regex(/^1\.\d{2}$/, 'Use a minor version such as "1.38".'), z.iso.date('Use the last day of support, YYYY-MM-DD.'))
    .optional()
    .describe('Kubernetes minor versions and the last day AKS supports each, added to (or correcting) the calendar Slipway ships.'),
  chartDir: z
    .string()
    .min(1)
    .optional()
    .describe('Folder of pinned chart archives (<chart>-<version>.tgz) for slipway verify, relative to this file.'),
});

export type ProjectConfig = z.infer<typeof configSchema>;

export interface ConfigResult {
  readonly config: ProjectConfig;
  /** Where the file is (relative paths in it are relative to its folder). */
  readonly dir: string;
  readonly issues: readonly Issue[];
}

/** The config, or no settings when the file does not exist; never throws on bad content. */
export function readProjectConfig(file = CONFIG_FILE): ConfigResult {
  const dir = path.dirname(path.resolve(file));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, dir, issues: [] };
    return { config: {}, dir, issues: [{ code: 'CONFIG_UNREADABLE', severity: 'error', file, line: 0, column: 0, path: '', message: `Cannot read ${file}: ${(e as Error).message}.`, hint: 'Check the file permissions.' }] };
  }
  const lines = new LineCounter();
  // Strict JSON first (the YAML parser would forgive trailing commas), then the YAML parser for
  // the positions of schema problems: JSON is YAML 1.2, and yaml keeps every node's range.
  try {
    JSON.parse(text);
  } catch (e) {
    const offset = Number(/position (\d+)/.exec((e as Error).message)?.[1] ?? 0);
    lines.addNewLine(0);
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') lines.addNewLine(i + 1);
    const { line, col } = lines.linePos(offset);
    const reason = (e as Error).message.replace(/ in JSON at position \d+.*$/s, '');
    return { config: {}, dir, issues: [{ code: 'CONFIG_SYNTAX', severity: 'error', file, line, column: col, path: '', message: `${file} is not valid JSON: ${reason}.`, hint: 'Fix the JSON syntax at this position.' }] };
  }
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const data = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(data);
  if (parsed.success) return { config: parsed.data, dir, issues: [] };
  return { config: {}, dir, issues: schemaIssues({ file, text, root: doc.contents, lines, data }, configSchema, parsed.error.issues) };
}

/** --schema-location flags, then SLIPWAY_SCHEMA_LOCATION (comma-separated), then the config file, then the embedded set. */
export function schemaLocations(flags: readonly string[] | undefined, env: NodeJS.ProcessEnv, { config, dir }: ConfigResult): string[] {
  if (flags?.length) return [...flags];
  const fromEnv = env.SLIPWAY_SCHEMA_LOCATION?.split(',').map((s) => s.trim()).filter(Boolean);
  if (fromEnv?.length) return fromEnv;
  return config.schemaLocations?.map((l) => (isFolder(l) ? path.resolve(dir, l) : l)) ?? ['embedded'];
}

/** A location that is a plain folder (not a keyword, URL or template) is relative to the config file. */
const isFolder = (location: string) => !['embedded', 'default'].includes(location) && !/^[a-z]+:\/\//.test(location) && !location.includes('{{');
