// VERIFY_ORDER_CRD: every custom resource reaches the API server after its CRD. It is fine when
// the HelmRelease that installs the CRD renders it, or a HelmRelease that dependsOn that one, or a
// Kustomization that runs after (dependsOn, transitively) the waiting Kustomization applying the
// installer, or when the CRD itself is in git in the same or an earlier Kustomization (Flux
// applies CRDs first). A Kustomization that applies a custom resource of an unknown kind fails its
// dry-run as a whole, so nothing in it is applied, not even the HelmRelease that would install the CRD.
import { embeddedSet } from '../../validate/embedded.ts';
import type { Check, HelmReleaseNode, RenderedObject, VerifyFinding } from '../types.ts';
import { applyOrder, type ApplyOrder } from './model/apply-order.ts';
import { at, text } from './model/data.ts';
import { PLATFORM_CRD_GROUPS } from './model/external.ts';
import { finding } from './model/finding.ts';

export const ORDER_CRD = 'VERIFY_ORDER_CRD';

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

let builtIn: Set<string> | undefined;
/** API groups the API server serves itself: the embedded Kubernetes definitions (io.k8s.*). */
function builtInGroups(): Set<string> {
  builtIn ??= new Set(
    Object.entries(embeddedSet().kinds)
      .filter(([, definition]) => definition.startsWith('io.k8s.'))
      .map(([key]) => groupOf(key.slice(0, key.lastIndexOf('/')))),
  );
  return builtIn;
}

const releaseName = (r: { name: string; namespace: string }) => `${r.namespace}/${r.name}`;

/** Why the object is too early for this installer, or undefined when it is in time. */
function tooEarly(order: ApplyOrder, r: RenderedObject, installer: HelmReleaseNode): string | undefined {
  if (r.release && (releaseName(r.release) === releaseName(installer) || order.releaseBefore(installer, r.release))) return undefined;
  const mine = r.kustomization;
  const theirs = installer.kustomization;
  if (order.kustomizationBefore(theirs, mine)) {
    return order.kustomization(theirs)?.wait ? undefined : `Kustomization ${theirs}, which applies HelmRelease ${releaseName(installer)}, has no wait: true, so ${mine} may start before the CRD is installed`;
  }
  if (mine === theirs) return `Kustomization ${mine} applies it together with HelmRelease ${releaseName(installer)}, whose chart installs the CRD only later; the Kustomization's dry-run fails on the unknown kind and nothing in it is applied`;
  if (order.kustomizationBefore(mine, theirs)) return `Kustomization ${mine} applies it before ${theirs}, which applies HelmRelease ${releaseName(installer)} that installs the CRD; ${mine} fails on the unknown kind`;
  return `Kustomization ${mine} does not depend on ${theirs}, which applies HelmRelease ${releaseName(installer)} that installs the CRD; whichever runs first decides whether ${mine} fails`;
}

export const orderCrdsCheck: Check = (state) => {
  const order = applyOrder(state);
  const builtIns = builtInGroups();
  const gitCrds = new Map<string, RenderedObject[]>();
  for (const r of state.objects) {
    if (r.object.kind !== 'CustomResourceDefinition' || r.release) continue;
    const key = `${text(at(r.object, 'spec', 'group'))}/${text(at(r.object, 'spec', 'names', 'kind'))}`;
    gitCrds.set(key, [...(gitCrds.get(key) ?? []), r]);
  }
  const out: VerifyFinding[] = [];
  const reported = new Set<string>();
  for (const r of state.objects) {
    const group = groupOf(r.object.apiVersion);
    if (builtIns.has(group)) continue;
    const kind = `${group}/${r.object.kind}`;
    const origin = `${r.kustomization}/${r.release ? releaseName(r.release) : ''}/${kind}`;
    if (reported.has(origin)) continue;
    const installers = state.releases.filter((h) => h.installsCrds.includes(kind));
    const inGit = gitCrds.get(kind) ?? [];
    if (inGit.some((crd) => order.timing(crd, r) === 'in-time')) continue;
    if (installers.length === 0) {
      if (inGit.length > 0 || PLATFORM_CRD_GROUPS[group]) continue;
      reported.add(origin);
      out.push(
        finding(state, r, {
          code: ORDER_CRD,
          severity: 'error',
          message: `${r.object.kind} ${r.object.metadata.name} is a ${kind} custom resource, and nothing in this environment installs its CRD (no HelmRelease's chart, no CRD in git, not a kind the AKS platform provides); the API server refuses it.`,
          hint: 'Install the CRD with the release that owns the kind (crds: CreateReplace), or drop the object.',
        }),
      );
      continue;
    }
    const reasons = installers.map((i) => tooEarly(order, r, i));
    if (reasons.some((reason) => reason === undefined)) continue;
    reported.add(origin);
    out.push(
      finding(state, r, {
        code: ORDER_CRD,
        severity: 'error',
        message: `${r.object.kind} ${r.object.metadata.namespace ? `${r.object.metadata.namespace}/` : ''}${r.object.metadata.name} (${kind}) may reach the API server before its CRD: ${reasons.join('; ')}.`,
        hint: `Apply it from a Kustomization that dependsOn the one applying ${installers.map(releaseName).join(' or ')} (the configs layer), and keep wait: true on that one.`,
      }),
    );
  }
  return out;
};
