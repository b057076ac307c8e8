// external-dns for the environment's Azure DNS zone, authenticating with workload identity.
import { z } from '../../schema/zod.ts';
import { chartVersionPin } from '../../schema/common.ts';
import type { Environment } from '../model/environment.ts';
import { charts, MONITORING_RELEASE, monitoringLabels, onPool, workloadIdentityPodLabels, workloadIdentityServiceAccount } from './charts.ts';
import { platformRelease, type PlatformDefinition, type WorkloadIdentitySpec } from './definition.ts';
import type { KubeObject, Values } from './types.ts';
import { mergeValues } from './values.ts';

const NAMESPACE = 'external-dns';
/** ConfigMap with azure.json: no credentials in it, workload identity does the auth. */
export const EXTERNAL_DNS_CONFIG = 'external-dns-azure';

const identity: WorkloadIdentitySpec = {
  key: 'external-dns',
  serviceAccount: 'external-dns',
  clientIdVariable: 'EXTERNAL_DNS_CLIENT_ID',
  roles: () => [
    { role: 'DNS Zone Contributor', scope: 'dns-zone' },
    { role: 'Reader', scope: 'dns-resource-group' },
  ],
};

/**
 * Prefix of the TXT records that say which records external-dns owns. Without one the mapper names the
 * TXT record by prefixing the host's first label (external-dns registry/mapper/mapper.go ToTXTName:
 * "a-" + first label), so the apex retro.numbers.example.com gets a-retro.numbers.example.com, outside
 * the zone: the A record is created once and never owned, updated or deleted. A prefix that holds
 * %{record_type} and ends with a dot keeps every TXT record inside the zone
 * (docs/registry/txt.md: "specify the record type substitution and that it ends in a period"):
 * extdns-a.retro.numbers.example.com.
 */
export const DEFAULT_TXT_PREFIX = 'extdns-%{record_type}.';

const base: Values = {
  // The federated credential names this service account.
  fullnameOverride: identity.serviceAccount,
  provider: { name: 'azure' },
  sources: ['service', 'ingress'],
  registry: 'txt',
  txtPrefix: DEFAULT_TXT_PREFIX,
  serviceAccount: workloadIdentityServiceAccount(identity.clientIdVariable),
  podLabels: workloadIdentityPodLabels,
  extraVolumes: [{ name: 'azure-config-file', configMap: { name: EXTERNAL_DNS_CONFIG } }],
  extraVolumeMounts: [{ name: 'azure-config-file', mountPath: '/etc/kubernetes', readOnly: true }],
  nodeSelector: onPool('apps'),
  resources: { requests: { cpu: '25m', memory: '64Mi' } },
  serviceMonitor: { enabled: true, additionalLabels: monitoringLabels },
};

const input = z
  .strictObject({
    chartVersion: chartVersionPin,
    enabled: z
      .boolean()
      .optional()
      .describe(
        "Install external-dns, which writes the hosts' A records into the zone. Off when records are made elsewhere (a zone managed by another team): then nothing in the cluster may write to the zone, its identity and roles are not created, and validate warns while hosts are served (EXTERNAL_DNS_OFF). Turning it off leaves the records it made. Default: true.",
      ),
    policy: z.enum(['upsert-only', 'sync']).optional().describe('upsert-only never deletes records; sync also deletes. Default: upsert-only.'),
    txtPrefix: z
      .string()
      .max(40)
      .regex(
        /^([a-z0-9-]+\.)*[a-z0-9-]*%\{record_type\}[a-z0-9-]*\.$/,
        'Use a prefix that contains %{record_type} and ends with a dot, such as "extdns-%{record_type}." (quoted): only then does the TXT record of a zone-apex host stay inside the zone.',
      )
      .optional()
      .describe(
        'Prefix of the TXT records external-dns writes to mark the records it owns (TXT registry). It must contain %{record_type} and end with a dot: otherwise the TXT record of a host at the zone apex falls outside the zone and external-dns never owns, updates or deletes that record (external-dns docs/registry/txt.md). Changing it after the first deploy orphans the existing ownership records. Quote it in YAML. Default: "extdns-%{record_type}.".',
      ),
  })
  .optional();

const settings = (given: z.output<typeof input>) => ({
  chartVersion: given?.chartVersion ?? null,
  enabled: given?.enabled ?? true,
  policy: given?.policy ?? ('upsert-only' as const),
  txtPrefix: given?.txtPrefix ?? DEFAULT_TXT_PREFIX,
});

export const externalDns: PlatformDefinition<'externalDns', typeof input, ReturnType<typeof settings>> = platformRelease({
  key: 'externalDns',
  name: 'external-dns',
  chart: charts.externalDns,
  namespace: { name: NAMESPACE, podSecurity: 'baseline' },
  input,
  settings,
  enabled: (settings) => settings.enabled,
  identity,
  needs: [MONITORING_RELEASE],
  crds: false,
  values: (env) => ({ base, values: mergeValues(base, { policy: env.releases.externalDns.policy, txtOwnerId: env.name, txtPrefix: env.releases.externalDns.txtPrefix, domainFilters: [env.dns.zone] }) }),
  objects: (env) => ({ base: [azureConfig(env)] }),
});

/** azure.json for external-dns: which zone to manage; workload identity supplies the credential. */
function azureConfig(env: Environment): KubeObject {
  const config = { tenantId: env.azure.tenantId, subscriptionId: env.dns.subscriptionId, resourceGroup: env.names.dnsResourceGroup, useWorkloadIdentityExtension: true };
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EXTERNAL_DNS_CONFIG, namespace: NAMESPACE }, data: { 'azure.json': `${JSON.stringify(config, null, 2)}\n` } };
}
