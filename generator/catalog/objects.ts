// Plain Kubernetes objects around the charts. "base" objects go in before any release (namespaces,
// access, configuration the charts read); "config" objects need the CRDs the controllers install
// (ClusterIssuers, PrometheusRules, SecretProviderClasses).
import type { Environment } from '../model/environment.ts';
import { clusterIssuerName, INGRESS_CLASS } from './charts.ts';
import { EXTERNAL_DNS_CONFIG } from './external-dns.ts';
import { INGRESS_NAMESPACE } from './ingress-nginx.ts';
import { monitoringSecrets, MONITORING_NAMESPACE } from './kube-prometheus-stack.ts';
import { alertRules } from './alert-rules.ts';
import { workloadIdentity } from '../model/workload-identities.ts';
import type { KubeObject } from './types.ts';

export interface PlatformObjects {
  readonly base: readonly KubeObject[];
  readonly config: readonly KubeObject[];
}

export function platformObjects(env: Environment): PlatformObjects {
  return {
    base: [...namespaces(env), externalDnsConfig(env), ...roleBindings(env)],
    config: [...clusterIssuers(env), monitoringSecrets(env), ...alertRules(env), ...defaultDeny(env)],
  };
}

/** Every namespace Slipway deploys into, with pod security labels (baseline enforced, restricted warned). */
export function namespaceNames(env: Environment): string[] {
  return [
    workloadIdentity('cert-manager').namespace,
    workloadIdentity('external-dns').namespace,
    INGRESS_NAMESPACE,
    MONITORING_NAMESPACE,
    ...(env.releases.velero.enabled ? [workloadIdentity('velero').namespace] : []),
    ...env.apps.postfacto.map((p) => p.namespace),
  ];
}

function namespaces(env: Environment): KubeObject[] {
  return namespaceNames(env).map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'app.kubernetes.io/managed-by': 'slipway',
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  }));
}

/** Every Postfacto namespace denies all traffic unless a policy of the release allows it. */
function defaultDeny(env: Environment): KubeObject[] {
  return env.apps.postfacto.map((p) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny', namespace: p.namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  }));
}

/** azure.json for external-dns: which zone to manage; workload identity supplies the credential. */
function externalDnsConfig(env: Environment): KubeObject {
  const config = { tenantId: env.azure.tenantId, subscriptionId: env.azure.subscriptionId, resourceGroup: env.names.dnsResourceGroup, useWorkloadIdentityExtension: true };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: EXTERNAL_DNS_CONFIG, namespace: workloadIdentity('external-dns').namespace },
    data: { 'azure.json': `${JSON.stringify(config, null, 2)}\n` },
  };
}

/** One RoleBinding per access entry and namespace: the Entra ID group gets the built-in ClusterRole there. */
function roleBindings(env: Environment): KubeObject[] {
  return env.access.flatMap((entry) =>
    Object.entries(entry.namespaces).map(([namespace, role]) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {
        name: `slipway-${role}-${entry.group.slice(0, 8)}`,
        namespace,
        ...(entry.description && { annotations: { 'slipway.io/description': entry.description } }),
      },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: entry.group }],
    })),
  );
}

const ACME = { staging: 'https://acme-staging-v02.api.letsencrypt.org/directory', production: 'https://acme-v02.api.letsencrypt.org/directory' } as const;

/** Let's Encrypt staging and production; the environment picks which one its ingresses use. */
function clusterIssuers(env: Environment): KubeObject[] {
  const cm = env.releases.certManager;
  const solver =
    cm.solver === 'dns01'
      ? {
          // The cert-manager service account carries the workload identity (cert-manager.ts).
          dns01: {
            azureDNS: { hostedZoneName: env.dns.zone, resourceGroupName: env.names.dnsResourceGroup, subscriptionID: env.azure.subscriptionId, environment: 'AzurePublicCloud' },
          },
        }
      : { http01: { ingress: { ingressClassName: INGRESS_CLASS } } };
  return (['staging', 'production'] as const).map((issuer) => ({
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: clusterIssuerName(issuer) },
    spec: { acme: { server: ACME[issuer], email: cm.email, privateKeySecretRef: { name: `${clusterIssuerName(issuer)}-account` }, solvers: [solver] } },
  }));
}
