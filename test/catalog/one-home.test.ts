// DESIGN.md "A release has one home": what a release is comes from its catalog entry. Everything
// else derives from the catalog list, so no code outside generator/catalog/ may decide by a chart
// or release name, and each entry's declarations reach every output.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apps, namespacesOf, platform, platformNamespaceNames, releasesOf, secretReadersOf, workloadIdentities } from '../../generator/catalog/index.ts';
import { releasesSchema } from '../../schema/releases.ts';
import { examples } from '../helpers/render.ts';
import { repoRoot } from '../helpers/workspace.ts';

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

describe('the catalog is the one home of a release', () => {
  it('no renderer or model code compares a chart or release name to decide what a release is', () => {
    const names = [...platform.map((d) => d.name), ...platform.map((d) => d.chart.source.chart), ...apps.map((a) => a.chart.source.chart)];
    const offending: string[] = [];
    for (const file of [...sources(path.join(repoRoot, 'generator/render')), ...sources(path.join(repoRoot, 'generator/model'))]) {
      const text = readFileSync(file, 'utf8');
      for (const name of names) if (new RegExp(`[=!]==\\s*'${name}'|'${name}'\\s*[=!]==`).test(text)) offending.push(`${path.relative(repoRoot, file)}: ${name}`);
    }
    expect(offending).toEqual([]);
  });

  it("derives the schema's releases from the entries, each slice once", () => {
    expect(Object.keys(releasesSchema.shape)).toEqual([...platform.map((d) => d.key), ...apps.map((a) => a.key)]);
  });

  it("puts every entry's namespace, identity and release into the examples' outputs", () => {
    const { environments, files } = examples();
    const prod = environments.find((e) => e.name === 'numbers-prod')!;
    expect(namespacesOf(prod).map((n) => n.name)).toEqual([...platformNamespaceNames, ...prod.apps.postfacto.map((p) => p.namespace)]);
    for (const r of releasesOf(prod)) {
      expect(files.get('numbers-prod/helmfile/helmfile.yaml')).toContain(`name: ${r.name}\n`);
      expect([...files.keys()].some((f) => f.startsWith(`base/${r.base}/`)), r.name).toBe(true);
    }
    const tfvars = JSON.parse(files.get('numbers-prod/terraform/aks/terraform.tfvars.json')!) as { workload_identities: Record<string, { namespace: string }> };
    // The releases' add-on identities and the readers of Key Vault secrets, each in its namespace.
    expect(Object.keys(tfvars.workload_identities).sort()).toEqual([...workloadIdentities.map((w) => w.key), ...secretReadersOf(prod).map((r) => r.key)].sort());
    for (const w of [...workloadIdentities, ...secretReadersOf(prod)]) expect(tfvars.workload_identities[w.key]!.namespace).toBe(w.namespace);
  });
});
