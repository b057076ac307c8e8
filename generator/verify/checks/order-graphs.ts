// VERIFY_ORDER_CYCLE / VERIFY_ORDER_MISSING: the three apply graphs (Flux Kustomizations'
// dependsOn, HelmReleases' dependsOn, helmfile's needs) name only nodes that exist and have no
// cycle. Flux never starts a Kustomization or HelmRelease whose dependency does not exist or
// depends back on it (it reports "dependency not ready" forever); helmfile refuses to run.
import type { Check, ClusterState, VerifyFinding } from '../types.ts';
import { releaseFinding } from './model/finding.ts';
import { cycles } from './model/graph.ts';

export const ORDER_CYCLE = 'VERIFY_ORDER_CYCLE';
export const ORDER_MISSING = 'VERIFY_ORDER_MISSING';

interface Graph {
  /** What the nodes are, in messages. */
  readonly what: string;
  readonly field: string;
  readonly nodes: ReadonlyArray<{ readonly id: string; readonly needs: readonly string[]; readonly release?: { name: string; namespace: string }; readonly file?: string }>;
  readonly consequence: string;
  readonly cycleConsequence: string;
}

function graphs(state: ClusterState): Graph[] {
  const kustomizationFile = (path: string) => path.replace(/^\.\/out\//, '').replace(/\/?$/, '/kustomization.yaml');
  return [
    {
      what: 'Flux Kustomization',
      field: 'spec.dependsOn',
      nodes: state.kustomizations.map((k) => ({ id: k.name, needs: k.dependsOn, file: kustomizationFile(k.path) })),
      consequence: 'Flux never applies it and everything after it',
      cycleConsequence: 'Flux applies none of them',
    },
    {
      what: 'HelmRelease',
      field: 'spec.dependsOn',
      nodes: state.releases.map((r) => ({ id: `${r.namespace}/${r.name}`, needs: r.dependsOn.map((d) => `${d.namespace}/${d.name}`), release: r })),
      consequence: 'Flux never installs it',
      cycleConsequence: 'Flux installs none of them',
    },
    {
      what: 'Helmfile release',
      field: 'needs',
      nodes: state.helmfile.map((h) => ({ id: h.id, needs: h.needs.map((n) => (n.includes('/') ? n : `${h.id.split('/')[0]}/${n}`)), file: `${state.environment.name}/helmfile/helmfile.yaml` })),
      consequence: 'helmfile refuses to apply the environment',
      cycleConsequence: 'helmfile refuses to apply the environment',
    },
  ];
}

export const orderGraphsCheck: Check = (state) => {
  const out: VerifyFinding[] = [];
  for (const g of graphs(state)) {
    const ids = new Set(g.nodes.map((n) => n.id));
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    for (const n of g.nodes) {
      for (const need of n.needs.filter((x) => !ids.has(x))) {
        out.push(
          releaseFinding(state, n.release, n.file, {
            code: ORDER_MISSING,
            severity: 'error',
            message: `${g.what} ${n.id} waits for ${need} (${g.field}), which this environment does not have; ${g.consequence}.`,
            hint: `Depend only on ${g.what}s the environment renders (${[...ids].join(', ')}).`,
          }),
        );
      }
    }
    for (const cycle of cycles([...ids], (id) => byId.get(id)?.needs ?? [])) {
      const first = byId.get(cycle[0]!)!;
      out.push(
        releaseFinding(state, first.release, first.file, {
          code: ORDER_CYCLE,
          severity: 'error',
          message: `${g.what}s ${[...cycle, cycle[0]].join(' -> ')} wait for each other in a circle (${g.field}); ${g.cycleConsequence}.`,
          hint: 'Remove one of these dependencies so the order is a line.',
        }),
      );
    }
  }
  return out;
};
