// The charts' default values and value schemas from ../shared/charts (read, never copied).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { repoRoot } from './workspace.ts';

export const sharedDir = path.resolve(repoRoot, '../shared');
export const chartDir = (chart: string) => path.join(sharedDir, 'charts', chart);

export const defaultValues = (chart: string): Record<string, unknown> => parse(readFileSync(path.join(chartDir(chart), 'values.yaml'), 'utf8')) ?? {};
export const valuesText = (chart: string) => readFileSync(path.join(chartDir(chart), 'values.yaml'), 'utf8');

/** Helm's merge of a values override onto the defaults: maps merge, everything else replaces, null deletes. */
export function helmMerge(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else out[k] = helmMerge(base[k], v);
  }
  return out;
}
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A validator for the chart's values.schema.json, or undefined when the chart ships none. */
export function chartValidator(chart: string) {
  const file = path.join(chartDir(chart), 'values.schema.json');
  if (!existsSync(file)) return undefined;
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const main = JSON.parse(readFileSync(file, 'utf8'));
  // app-template's schema refers to schemas/*.json relative to its published $id: serve them locally.
  const schemasDir = path.join(chartDir(chart), 'schemas');
  if (main.$id && existsSync(schemasDir)) {
    const base = new URL('.', main.$id).href;
    for (const f of readdirSync(schemasDir)) ajv.addSchema({ ...JSON.parse(readFileSync(path.join(schemasDir, f), 'utf8')), $id: `${base}schemas/${f}` });
  }
  return ajv.compile(main);
}
