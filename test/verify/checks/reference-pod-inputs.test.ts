// VERIFY_REFERENCE_SECRET / _CONFIGMAP / _SECRET_SYNC / _SECRET_PROVIDER_CLASS / _SERVICE_ACCOUNT:
// what pods read exists when they start. A Secret synced by the Secrets Store CSI driver exists only
// while a pod mounts its SecretProviderClass
// (https://secrets-store-csi-driver.sigs.k8s.io/topics/sync-as-kubernetes-secret.html).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { EXTERNAL_OBJECTS } from '../../../generator/verify/checks/model/external.ts';
import {
  podInputsCheck,
  REFERENCE_CONFIGMAP,
  REFERENCE_SECRET,
  REFERENCE_SECRET_PROVIDER_CLASS,
  REFERENCE_SECRET_SYNC,
  REFERENCE_SERVICE_ACCOUNT,
} from '../../../generator/verify/checks/reference-pod-inputs.ts';
import { checkCases } from './helpers/cases.ts';
import { clusterState, deployment, inRelease, secret } from './helpers/state.ts';

const ns = 'monitoring';
const envFrom = (name: string, key: string, optional?: boolean) => ({ name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name, key, ...(optional && { optional }) } } });
const csi = (name: string) => ({ name: 'secrets-store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: name } } });
const grafana = (pod: Record<string, unknown> = {}) => deployment(ns, 'grafana', { app: 'grafana' }, { containers: [{ name: 'grafana', env: [envFrom('grafana-admin', 'admin-password')] }], ...pod });
const spc: KubeObject = {
  apiVersion: 'secrets-store.csi.x-k8s.io/v1',
  kind: 'SecretProviderClass',
  metadata: { name: 'monitoring-secrets', namespace: ns },
  spec: { provider: 'azure', parameters: {}, secretObjects: [{ secretName: 'grafana-admin', type: 'Opaque', data: [{ key: 'admin-password', objectName: 'grafana-admin-password' }] }] },
};
const otherSpc: KubeObject = { ...spc, metadata: { name: 'other-secrets', namespace: ns }, spec: { provider: 'azure', parameters: {} } };
const job = (containers: unknown[], volumes: unknown[] = []): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: ns },
  spec: { template: { spec: { restartPolicy: 'Never', containers, volumes } } },
});
const alertmanager = (volumes: unknown[]): KubeObject => ({ apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: { name: 'kps-alertmanager', namespace: ns }, spec: { volumes } });
const release = (...objects: KubeObject[]) => clusterState(inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', ...objects));

describe('what pods read', () => {
  checkCases(podInputsCheck, [
    {
      name: 'a Secret nobody creates',
      code: REFERENCE_SECRET,
      broken: () => release(grafana()),
      fixed: () => release(grafana(), secret(ns, 'grafana-admin', { 'admin-password': 'eA==' })),
      says: /reads Secret monitoring\/grafana-admin \(key admin-password\) at spec\.template\.spec\.containers\[grafana\]\.env\[GF_SECURITY_ADMIN_PASSWORD\]\.valueFrom\.secretKeyRef.*CreateContainerConfigError/,
    },
    {
      name: 'a key the Secret does not have',
      code: REFERENCE_SECRET,
      broken: () => release(grafana(), secret(ns, 'grafana-admin', { password: 'eA==' })),
      fixed: () => release(grafana(), secret(ns, 'grafana-admin', { 'admin-password': 'eA==' })),
      says: /has no key admin-password \(it has password\)/,
    },
    {
      name: 'a ConfigMap volume nobody creates',
      code: REFERENCE_CONFIGMAP,
      broken: () => release(deployment(ns, 'g', { app: 'g' }, { volumes: [{ name: 'config', configMap: { name: 'grafana-config' } }] })),
      fixed: () =>
        release(
          deployment(ns, 'g', { app: 'g' }, { volumes: [{ name: 'config', configMap: { name: 'grafana-config' } }, { name: 'ca', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }, { secret: { name: 'maybe', optional: true } }] } }] }),
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'grafana-config', namespace: ns }, data: {} },
        ),
      says: /pods stay in ContainerCreating/,
    },
    {
      name: "Grafana reading its admin Secret from secretObjects of a class no pod mounts",
      code: REFERENCE_SECRET_SYNC,
      broken: () => release(grafana(), spc),
      fixed: () => release(grafana({ volumes: [csi('monitoring-secrets')] }), spc),
      says: /only the secretObjects of SecretProviderClass monitoring-secrets create that Secret.*which no pod does, so it never exists/,
    },
    {
      // An error: the driver deletes the synced Secret with the last pod that mounts the class, so
      // Grafana fails on its next restart once Alertmanager's pods are gone (issue 17, point 2).
      name: 'Grafana relying on Alertmanager to mount the class',
      code: REFERENCE_SECRET_SYNC,
      broken: () => release(grafana(), spc, alertmanager([csi('monitoring-secrets')])),
      fixed: () => release(grafana({ volumes: [csi('monitoring-secrets')] }), spc, alertmanager([csi('monitoring-secrets')])),
      says: /does not mount it: it depends on Alertmanager monitoring\/kps-alertmanager running, so when those pods are gone .* CreateContainerConfigError/,
    },
    {
      name: 'a Secret volume of the synced Secret, in a pod that mounts another class',
      code: REFERENCE_SECRET_SYNC,
      broken: () => release(deployment(ns, 'reader', { app: 'reader' }, { volumes: [{ name: 'admin', secret: { secretName: 'grafana-admin' } }, csi('other-secrets')] }), spc, otherSpc, alertmanager([csi('monitoring-secrets')])),
      fixed: () => release(deployment(ns, 'reader', { app: 'reader' }, { volumes: [{ name: 'admin', secret: { secretName: 'grafana-admin' } }, csi('monitoring-secrets')] }), spc, otherSpc),
      says: /reads Secret monitoring\/grafana-admin at spec\.template\.spec\.volumes\[admin\]\.secret.*pods stay in ContainerCreating/,
    },
    {
      name: "a Job reading the synced Secret through envFrom while a Deployment mounts the class",
      code: REFERENCE_SECRET_SYNC,
      broken: () => release(job([{ name: 'migrate', envFrom: [{ secretRef: { name: 'grafana-admin' } }] }]), spc, grafana({ volumes: [csi('monitoring-secrets')] })),
      fixed: () => release(job([{ name: 'migrate', envFrom: [{ secretRef: { name: 'grafana-admin' } }] }], [csi('monitoring-secrets')]), spc, grafana({ volumes: [csi('monitoring-secrets')] })),
      says: /Job monitoring\/migrate reads Secret monitoring\/grafana-admin at spec\.template\.spec\.containers\[migrate\]\.envFrom\[0\]\.secretRef.*depends on Deployment monitoring\/grafana running/,
    },
    {
      name: 'a key the synced Secret does not have',
      code: REFERENCE_SECRET,
      broken: () => release(deployment(ns, 'grafana', { app: 'grafana' }, { containers: [{ name: 'grafana', env: [envFrom('grafana-admin', 'admin-user')] }], volumes: [csi('monitoring-secrets')] }), spc),
      fixed: () => release(grafana({ volumes: [csi('monitoring-secrets')] }), spc),
    },
    {
      name: 'a CSI volume naming a SecretProviderClass that does not exist',
      code: REFERENCE_SECRET_PROVIDER_CLASS,
      broken: () => release(alertmanager([csi('monitoring-secret')]), spc),
      fixed: () => release(alertmanager([csi('monitoring-secrets')]), spc),
    },
    {
      name: 'a service account nobody creates',
      code: REFERENCE_SERVICE_ACCOUNT,
      broken: () => release(deployment(ns, 'g', { app: 'g' }, { serviceAccountName: 'grafana' })),
      fixed: () => release(deployment(ns, 'g', { app: 'g' }, { serviceAccountName: 'grafana' }), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'grafana', namespace: ns } }),
    },
    {
      name: 'an image pull Secret nobody creates',
      code: REFERENCE_SECRET,
      severity: 'warning',
      broken: () => release(deployment(ns, 'g', { app: 'g' }, { imagePullSecrets: [{ name: 'registry' }] })),
      fixed: () => release(deployment(ns, 'g', { app: 'g' }, { imagePullSecrets: [{ name: 'registry' }] }), secret(ns, 'registry')),
    },
  ]);

  it('skips optional references', () => {
    expect(podInputsCheck(release(deployment(ns, 'g', { app: 'g' }, { containers: [{ name: 'c', env: [envFrom('nothing', 'x', true)], envFrom: [{ secretRef: { name: 'nothing', optional: true } }] }] })))).toEqual([]);
  });

  it('accepts what known components create, and says why for each', () => {
    for (const entry of EXTERNAL_OBJECTS) expect(entry.reason).toMatch(/\.$/);
    const ingress: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: ns, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-staging' } },
      spec: { tls: [{ secretName: 'grafana-tls' }] },
    };
    const certgen: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'admission-create', namespace: ns },
      spec: { template: { spec: { containers: [{ name: 'create', args: ['create', '--host=x', '--secret-name=kps-admission'] }] } } },
    };
    const reader = deployment(ns, 'reader', { app: 'reader' }, { volumes: [{ name: 'tls', secret: { secretName: 'grafana-tls' } }, { name: 'admission', secret: { secretName: 'kps-admission' } }] });
    expect(podInputsCheck(release(ingress, certgen, reader))).toEqual([]);
    expect(podInputsCheck(release(reader)).map((f) => f.code)).toEqual([REFERENCE_SECRET, REFERENCE_SECRET]);
  });
});
