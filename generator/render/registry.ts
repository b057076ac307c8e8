// The renderer registry: each renderer is a pure function from the resolved environments to
// files (path relative to out/ -> content). Later renderers (terraform, helmfile, flux) join here.
import type { Environment } from '../model/environment.ts';
import { renderResolved } from './resolved.ts';
import { renderFlux } from './flux/layout.ts';
import { renderHelmfile } from './helmfile/render.ts';
import { renderTerraform } from './terraform/render.ts';

export interface Renderer {
  readonly name: string;
  render(environments: readonly Environment[]): ReadonlyMap<string, string>;
}

export const renderers: readonly Renderer[] = [
  { name: 'resolved', render: renderResolved },
  { name: 'terraform', render: renderTerraform },
  { name: 'helmfile', render: renderHelmfile },
  { name: 'flux', render: renderFlux },
];

export class RenderConflictError extends Error {}

/** All files of all renderers, in path order. Two renderers claiming one path is a bug, not input. */
export function renderAll(environments: readonly Environment[], registry: readonly Renderer[] = renderers): Map<string, string> {
  const files = new Map<string, string>();
  for (const renderer of registry) {
    for (const [file, content] of renderer.render(environments)) {
      if (files.has(file)) throw new RenderConflictError(`Renderer ${renderer.name} writes ${file}, which another renderer already wrote.`);
      files.set(file, content);
    }
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
