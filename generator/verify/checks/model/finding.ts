// Findings about a rendered object: located at the object, its HelmRelease and its out/ file, with
// the environment field behind it (the release's field, via the catalog).
import { releaseField } from '../../../catalog/index.ts';
import { objectId, type ClusterState, type RenderedObject, type VerifyFinding } from '../../types.ts';

export interface Said {
  readonly code: string;
  readonly severity: VerifyFinding['severity'];
  readonly message: string;
  readonly hint: string;
}

/** namespace/name of the HelmRelease that rendered the object, if one did. */
export const releaseOf = (r: RenderedObject) => (r.release ? `${r.release.namespace}/${r.release.name}` : undefined);

/**
 * The environment field behind an object: its release's; for an object from git, the release
 * installed in its namespace (the namespace, its policies and secrets belong to that release).
 */
export function causeOf(state: ClusterState, r: RenderedObject): readonly PropertyKey[] | undefined {
  const release = r.release?.name ?? state.releases.find((h) => h.namespace === r.object.metadata.namespace)?.name;
  return release === undefined ? undefined : releaseField(state.environment, release);
}

export function finding(state: ClusterState, about: RenderedObject, said: Said): VerifyFinding {
  const release = releaseOf(about);
  const cause = causeOf(state, about);
  return {
    ...said,
    object: objectId(about.object),
    ...(release && { release }),
    file: about.file,
    ...(cause && { cause }),
  };
}

/** A finding about a release or the apply graph rather than one object. */
export function releaseFinding(state: ClusterState, release: { readonly name: string; readonly namespace: string } | undefined, file: string | undefined, said: Said): VerifyFinding {
  const cause = release && releaseField(state.environment, release.name);
  return { ...said, ...(release && { release: `${release.namespace}/${release.name}` }), ...(file && { file }), ...(cause && { cause }) };
}
