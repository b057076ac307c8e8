// What a pod needs to exist before it can start: the Secrets and ConfigMaps its containers and
// volumes read, the SecretProviderClasses its CSI volumes mount, its image pull secrets and its
// service account. References marked optional are left out: the pod starts without them.
import { CSI_DRIVER } from '../../../catalog/secret-provider-class.ts';
import { at, isMap, maps, text, type Json } from './data.ts';
import { containersOf, type PodModel } from './pods.ts';

export interface PodReference {
  readonly kind: 'Secret' | 'ConfigMap' | 'SecretProviderClass' | 'ServiceAccount';
  readonly name: string;
  /** The key it reads, for secretKeyRef and configMapKeyRef. */
  readonly key?: string;
  /** Field path inside the pod spec. */
  readonly field: string;
}

const optional = (ref: Json) => ref.optional === true;

export function podReferences(pod: PodModel): PodReference[] {
  const out: PodReference[] = [];
  const add = (kind: PodReference['kind'], name: unknown, field: string, key?: unknown) => {
    if (typeof name === 'string' && name !== '') out.push({ kind, name, field, ...(typeof key === 'string' && { key }) });
  };
  for (const c of containersOf(pod.spec)) {
    for (const env of maps(c.container.env)) {
      const field = `${c.field}.env[${text(env.name)}]`;
      const secret = at(env, 'valueFrom', 'secretKeyRef');
      const configMap = at(env, 'valueFrom', 'configMapKeyRef');
      if (isMap(secret) && !optional(secret)) add('Secret', secret.name, `${field}.valueFrom.secretKeyRef`, secret.key);
      if (isMap(configMap) && !optional(configMap)) add('ConfigMap', configMap.name, `${field}.valueFrom.configMapKeyRef`, configMap.key);
    }
    for (const [i, from] of maps(c.container.envFrom).entries()) {
      if (isMap(from.secretRef) && !optional(from.secretRef)) add('Secret', from.secretRef.name, `${c.field}.envFrom[${i}].secretRef`);
      if (isMap(from.configMapRef) && !optional(from.configMapRef)) add('ConfigMap', from.configMapRef.name, `${c.field}.envFrom[${i}].configMapRef`);
    }
  }
  for (const v of maps(pod.spec.volumes)) {
    const field = `volumes[${text(v.name)}]`;
    if (isMap(v.secret) && !optional(v.secret)) add('Secret', v.secret.secretName, `${field}.secret`);
    if (isMap(v.configMap) && !optional(v.configMap)) add('ConfigMap', v.configMap.name, `${field}.configMap`);
    for (const [i, source] of maps(at(v, 'projected', 'sources')).entries()) {
      if (isMap(source.secret) && !optional(source.secret)) add('Secret', source.secret.name, `${field}.projected.sources[${i}].secret`);
      if (isMap(source.configMap) && !optional(source.configMap)) add('ConfigMap', source.configMap.name, `${field}.projected.sources[${i}].configMap`);
    }
    if (isMap(v.csi) && v.csi.driver === CSI_DRIVER) add('SecretProviderClass', at(v.csi, 'volumeAttributes', 'secretProviderClass'), `${field}.csi`);
  }
  for (const [i, s] of maps(pod.spec.imagePullSecrets).entries()) add('Secret', s.name, `imagePullSecrets[${i}]`);
  // Every namespace has the default service account; the others must be created.
  const account = text(pod.spec.serviceAccountName) ?? text(pod.spec.serviceAccount);
  if (account && account !== 'default') add('ServiceAccount', account, 'serviceAccountName');
  return out;
}

/** The SecretProviderClasses the pod mounts through the Secrets Store CSI driver. */
export const mountedProviderClasses = (pod: PodModel): string[] =>
  maps(pod.spec.volumes).flatMap((v) => (isMap(v.csi) && v.csi.driver === CSI_DRIVER ? (text(at(v.csi, 'volumeAttributes', 'secretProviderClass')) ?? []) : []));
