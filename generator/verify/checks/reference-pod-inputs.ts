// VERIFY_REFERENCE_SECRET / _CONFIGMAP / _SECRET_SYNC / _SECRET_PROVIDER_CLASS / _SERVICE_ACCOUNT:
// everything a pod reads exists when it starts. A Secret or ConfigMap is in the render, or is
// created by a known component (model/external.ts), or, for a Secret, is synced by the Secrets Store
// CSI driver from a SecretProviderClass's secretObjects. The driver creates that Secret only when a
// pod mounts the class, and deletes it when the last such pod is gone ("When all the pods consuming
// the secret are deleted, the Kubernetes secret is also deleted": the pods own it,
// https://secrets-store-csi-driver.sigs.k8s.io/topics/sync-as-kubernetes-secret.html), so every
// reader (env, envFrom or volume) mounts the class itself: relying on another workload's mount is an
// error too.
import type { Check, VerifyFinding } from '../types.ts';
import { indexOf, type ClusterIndex } from './model/cluster.ts';
import { at, isMap, joinAnd, map, maps, text } from './model/data.ts';
import { externalObject } from './model/external.ts';
import { finding, type Said } from './model/finding.ts';
import { mountedProviderClasses, podReferences, type PodReference } from './model/pod-references.ts';
import { workloadName, type PodModel } from './model/pods.ts';

export const REFERENCE_SECRET = 'VERIFY_REFERENCE_SECRET';
export const REFERENCE_CONFIGMAP = 'VERIFY_REFERENCE_CONFIGMAP';
export const REFERENCE_SECRET_SYNC = 'VERIFY_REFERENCE_SECRET_SYNC';
export const REFERENCE_SECRET_PROVIDER_CLASS = 'VERIFY_REFERENCE_SECRET_PROVIDER_CLASS';
export const REFERENCE_SERVICE_ACCOUNT = 'VERIFY_REFERENCE_SERVICE_ACCOUNT';

/** Keys the control plane fills into a service-account token Secret. */
const TOKEN_KEYS = ['token', 'ca.crt', 'namespace'];

export const podInputsCheck: Check = (state) => {
  const index = indexOf(state);
  const out: VerifyFinding[] = [];
  for (const pod of index.pods) {
    // One finding per problem: a Secret read through several keys is missing once.
    const seen = new Set<string>();
    for (const ref of podReferences(pod)) {
      const problem = check(index, pod, ref);
      if (!problem) continue;
      const { aboutKey, ...said } = problem;
      const id = `${said.code}/${ref.kind}/${ref.name}/${aboutKey ? ref.key : ''}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(finding(state, pod.source, said));
    }
  }
  return out;
};

/** What is wrong with one reference; aboutKey: a missing key, reported per key rather than per object. */
type Problem = Said & { readonly aboutKey?: boolean };

function check(index: ClusterIndex, pod: PodModel, ref: PodReference): Problem | undefined {
  const ns = pod.namespace;
  const who = `${workloadName(pod)} reads ${ref.kind} ${ns}/${ref.name}${ref.key ? ` (key ${ref.key})` : ''} at ${pod.path}.${ref.field}`;
  const blocked = ref.field.startsWith('volumes') ? 'its pods stay in ContainerCreating' : 'its containers fail with CreateContainerConfigError';
  switch (ref.kind) {
    case 'ServiceAccount':
      return index.get('ServiceAccount', ns, ref.name)
        ? undefined
        : {
            code: REFERENCE_SERVICE_ACCOUNT,
            severity: 'error',
            message: `${workloadName(pod)} runs as service account ${ns}/${ref.name}, which the render does not create; the API server refuses its pods until it exists.`,
            hint: 'Let the chart create the service account (serviceAccount.create) or name one the release creates.',
          };
    case 'SecretProviderClass':
      return index.get('SecretProviderClass', ns, ref.name)
        ? undefined
        : {
            code: REFERENCE_SECRET_PROVIDER_CLASS,
            severity: 'error',
            message: `${workloadName(pod)} mounts SecretProviderClass ${ns}/${ref.name} through the Secrets Store CSI driver at ${pod.path}.${ref.field}, but the render has no such SecretProviderClass in ${ns}; the mount fails and its pods stay in ContainerCreating.`,
            hint: 'Render the SecretProviderClass in the same namespace as the pods, under the name the volume gives.',
          };
    case 'ConfigMap': {
      const found = index.get('ConfigMap', ns, ref.name);
      if (found) return missingKey(ref, who, blocked, keysOf(found.object, ['data', 'binaryData']), REFERENCE_CONFIGMAP);
      if (externalObject(index, 'ConfigMap', ns, ref.name)) return undefined;
      return {
        code: REFERENCE_CONFIGMAP,
        severity: 'error',
        message: `${who}, which neither the render nor a known component creates; ${blocked}.`,
        hint: 'Render the ConfigMap in the same namespace (or fix the name the release values give).',
      };
    }
    case 'Secret':
      return secret(index, pod, ref, who, blocked);
  }
}

function secret(index: ClusterIndex, pod: PodModel, ref: PodReference, who: string, blocked: string): Problem | undefined {
  const ns = pod.namespace;
  const found = index.get('Secret', ns, ref.name);
  if (found) {
    const keys = keysOf(found.object, ['data', 'stringData']);
    const filled = found.object.type === 'kubernetes.io/service-account-token' ? [...(keys ?? []), ...TOKEN_KEYS] : keys;
    return missingKey(ref, who, blocked, filled, REFERENCE_SECRET);
  }
  const synced = index.ofKind('SecretProviderClass').filter((s) => s.object.metadata.namespace === ns && maps(at(s.object, 'spec', 'secretObjects')).some((o) => o.secretName === ref.name));
  if (synced.length > 0) {
    const classes = synced.map((s) => s.object.metadata.name);
    const keys = synced.flatMap((s) => maps(at(s.object, 'spec', 'secretObjects')).filter((o) => o.secretName === ref.name).flatMap((o) => maps(o.data).flatMap((d) => text(d.key) ?? [])));
    const keyProblem = missingKey(ref, who, blocked, keys, REFERENCE_SECRET);
    if (keyProblem) return keyProblem;
    if (mountedProviderClasses(pod).some((c) => classes.includes(c))) return undefined;
    const mounters = index.podsIn(ns).filter((p) => p !== pod && p.longRunning && mountedProviderClasses(p).some((c) => classes.includes(c)));
    const mount = `mount SecretProviderClass ${joinAnd(classes.map((c) => `${ns}/${c}`))}`;
    if (mounters.length === 0) {
      return {
        code: REFERENCE_SECRET_SYNC,
        severity: 'error',
        message: `${who}; only the secretObjects of SecretProviderClass ${joinAnd(classes)} create that Secret, and the CSI driver syncs it only while a pod mounts the class, which no pod does, so it never exists and ${blocked}.`,
        hint: `Have ${workloadName(pod)} ${mount} through the CSI driver (a volume with driver secrets-store.csi.k8s.io), so the Secret exists whenever it starts.`,
      };
    }
    // An error, not a warning: the Secret goes with the last mounting pod (a drain, an upgrade, a
    // single replica rescheduled), and the reader then fails on its next restart.
    return {
      code: REFERENCE_SECRET_SYNC,
      severity: 'error',
      message: `${who}; the CSI driver syncs that Secret from SecretProviderClass ${joinAnd(classes)} only while a pod mounts the class and deletes it with the last such pod, and ${workloadName(pod)} does not mount it: it depends on ${joinAnd([...new Set(mounters.map(workloadName))])} running, so when those pods are gone (first install, drain, upgrade) the Secret is too and ${blocked}.`,
      hint: `Have ${workloadName(pod)} ${mount} itself (a volume with driver secrets-store.csi.k8s.io), as every reader of a synced Secret must.`,
    };
  }
  if (externalObject(index, 'Secret', ns, ref.name)) return undefined;
  const pullSecret = ref.field.startsWith('imagePullSecrets');
  return {
    code: REFERENCE_SECRET,
    severity: pullSecret ? 'warning' : 'error',
    message: `${who}, which neither the render, a SecretProviderClass's secretObjects nor a known component creates; ${pullSecret ? 'the kubelet pulls without it, and a private image fails to pull' : blocked}.`,
    hint: 'Create the Secret with the release (from Key Vault through a SecretProviderClass the pods mount), or fix the name the release values give.',
  };
}

function keysOf(object: unknown, fields: readonly string[]): string[] | undefined {
  const present = fields.filter((f) => isMap(map(object)[f]));
  // A Secret or ConfigMap without any data is filled at run time by whoever owns it: its keys are unknown.
  return present.length ? present.flatMap((f) => Object.keys(map(map(object)[f]))) : undefined;
}

function missingKey(ref: PodReference, who: string, blocked: string, keys: readonly string[] | undefined, code: string): Problem | undefined {
  if (!ref.key || !keys || keys.includes(ref.key)) return undefined;
  return {
    aboutKey: true,
    code,
    severity: 'error',
    message: `${who}, but that ${ref.kind} has no key ${ref.key} (it has ${keys.length ? joinAnd(keys) : 'none'}); ${blocked}.`,
    hint: `Read one of the keys it has, or add ${ref.key} where the ${ref.kind} is made.`,
  };
}
