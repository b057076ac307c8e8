// The diff of two renders, per environment: Terraform inputs, releases, Kubernetes objects, dangers.
import type { Environment } from '../model/environment.ts';
import { dangers, type Danger } from './dangers.ts';
import { changes, semantic, type Change, type SemanticEnvironment } from './semantic.ts';

export interface EnvironmentDiff {
  readonly name: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  /** Changed module inputs, path "<stack>.<module>.<input>...". */
  readonly terraform: readonly Change[];
  readonly releases: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly versions: ReadonlyArray<{ release: string; old: string; new: string }>;
    readonly values: ReadonlyArray<Change & { release: string }>;
  };
  readonly objects: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly changed: ReadonlyArray<{ key: string; paths: readonly string[] }>;
  };
  readonly dangers: readonly Danger[];
}

export interface DiffReport {
  readonly base: string;
  readonly head: string;
  readonly environments: readonly EnvironmentDiff[];
  /** Environments that could not be rendered on one side, with the reason. */
  readonly problems: readonly string[];
}

export function compareEnvironments(base: readonly Environment[], head: readonly Environment[]): EnvironmentDiff[] {
  const names = [...new Set([...base, ...head].map((e) => e.name))].sort();
  return names.map((name) => {
    const a = base.find((e) => e.name === name);
    const b = head.find((e) => e.name === name);
    const sa = a && semantic(a);
    const sb = b && semantic(b);
    const empty: SemanticEnvironment = { terraform: {}, releases: {}, objects: {} };
    const x = sa ?? empty;
    const y = sb ?? empty;
    const terraform = changes(x.terraform, y.terraform);
    const releaseNames = [...new Set([...Object.keys(x.releases), ...Object.keys(y.releases)])].sort();
    const kept = releaseNames.filter((r) => r in x.releases && r in y.releases);
    const objectKeys = [...new Set([...Object.keys(x.objects), ...Object.keys(y.objects)])].sort();
    const diff: EnvironmentDiff = {
      name,
      status: !a ? 'added' : !b ? 'removed' : 'unchanged',
      terraform,
      releases: {
        added: releaseNames.filter((r) => !(r in x.releases)),
        removed: releaseNames.filter((r) => !(r in y.releases)),
        versions: kept.filter((r) => x.releases[r]!.version !== y.releases[r]!.version).map((r) => ({ release: r, old: x.releases[r]!.version, new: y.releases[r]!.version })),
        values: kept.flatMap((r) => changes(x.releases[r]!.values, y.releases[r]!.values).map((c) => ({ ...c, release: r }))),
      },
      objects: {
        added: objectKeys.filter((k) => !(k in x.objects)),
        removed: objectKeys.filter((k) => !(k in y.objects)),
        changed: objectKeys
          .filter((k) => k in x.objects && k in y.objects)
          .map((k) => ({ key: k, paths: changes(x.objects[k], y.objects[k]).map((c) => c.path) }))
          .filter((c) => c.paths.length > 0),
      },
      dangers: dangers(a, b, sa, sb),
    };
    const changed = diff.terraform.length + diff.releases.added.length + diff.releases.removed.length + diff.releases.versions.length + diff.releases.values.length + diff.objects.added.length + diff.objects.removed.length + diff.objects.changed.length > 0;
    return diff.status === 'unchanged' && changed ? { ...diff, status: 'changed' } : diff;
  });
}
