// The example environments loaded and rendered once per test file.
import { listEnvironmentFiles, loadEnvironments } from '../../generator/load/load-environments.ts';
import type { Environment } from '../../generator/model/environment.ts';
import { renderAll } from '../../generator/render/registry.ts';
import { repoRoot } from './workspace.ts';

export function examples(): { environments: readonly Environment[]; files: Map<string, string> } {
  const previous = process.cwd();
  process.chdir(repoRoot);
  try {
    const { environments } = loadEnvironments(listEnvironmentFiles('environments'));
    return { environments, files: renderAll(environments) };
  } finally {
    process.chdir(previous);
  }
}

/** Files that are Go templates, YAML only once helmfile or Helm renders them (renderGoTemplate). */
export const isGoTemplate = (file: string) => file.endsWith('.gotmpl') || /\/helmfile\/charts\/[^/]+\/templates\//.test(file);

/** What helmfile's and Helm's template engines make of our two template constructs. */
export function renderGoTemplate(text: string, env: Record<string, string>): string {
  const rendered = text
    .replace(/\{\{ requiredEnv "([A-Z0-9_]+)" \}\}/g, (_, v: string) => env[v] ?? `MISSING-${v}`)
    .replace(/\{\{ \.Values\.env\.([A-Z0-9_]+) \}\}/g, (_, v: string) => env[v] ?? `MISSING-${v}`)
    .replace(/\{\{ "\{\{" \}\}/g, '\u0000');
  if (rendered.includes('{{')) throw new Error(`unexpected template action in: ${rendered.slice(rendered.indexOf('{{'), rendered.indexOf('{{') + 60)}`);
  return rendered.replace(/\u0000/g, '{{');
}
