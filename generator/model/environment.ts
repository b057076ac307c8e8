// The resolved environment: every default applied, every name derived. Renderers read only this
// and contain no fallbacks. Objects are frozen by normalize().
import type { NodePoolName } from '../../schema/aks.ts';
import type { Stage } from '../../schema/identity.ts';

export interface NodePool {
  readonly name: NodePoolName;
  readonly vmSize: string;
  readonly min: number;
  readonly max: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly string[];
}

export interface PostfactoInstance {
  readonly name: string;
  readonly version: string;
  readonly host: string;
  readonly namespace: string;
  /** Helm release name: postfacto-<name>. */
  readonly release: string;
  readonly replicas: { readonly min: number; readonly max: number };
  readonly database: string;
}

export type Receiver =
  | { readonly type: 'email'; readonly name: string; readonly to: string }
  | { readonly type: 'slack'; readonly name: string; readonly channel: string }
  | { readonly type: 'webhook'; readonly name: string };

export interface VeleroSchedule {
  readonly name: string;
  readonly schedule: string;
  readonly ttl: string;
  readonly includedNamespaces: readonly string[];
}

export interface AccessEntry {
  readonly group: string;
  readonly description?: string;
  /** Namespace -> ClusterRole, sorted by namespace. */
  readonly namespaces: Readonly<Record<string, 'view' | 'edit' | 'admin'>>;
}

/** Every Azure name Slipway derives, in one place (see model/names.ts). */
export interface AzureNames {
  /** Cluster, network, identities and key vault. */
  readonly resourceGroup: string;
  readonly dnsResourceGroup: string;
  readonly postgresqlResourceGroup: string;
  readonly nodeResourceGroup: string;
  readonly virtualNetwork: string;
  readonly aksSubnet: string;
  readonly postgresqlSubnet: string;
  readonly cluster: string;
  readonly dnsPrefix: string;
  readonly postgresqlServer: string;
  readonly postgresqlPrivateDnsZone: string;
  readonly keyVault: string;
  readonly logAnalyticsWorkspace: string;
  readonly backupResourceGroup: string;
  readonly backupStorageAccount: string;
  readonly backupContainer: string;
  readonly identities: {
    readonly controlPlane: string;
    readonly kubelet: string;
    /** Add-on identities, keyed like model/workload-identities.ts. */
    readonly workloads: Readonly<Record<'external-dns' | 'cert-manager' | 'velero', string>>;
  };
}

export interface Environment {
  /** Environment file, relative to the working directory with forward slashes. */
  readonly source: string;
  readonly name: string;
  readonly stage: Stage;
  readonly azure: {
    readonly subscriptionId: string;
    readonly tenantId: string;
    readonly location: string;
    /** The environment's tags plus environment, stage and managed-by, sorted by key. */
    readonly tags: Readonly<Record<string, string>>;
  };
  readonly state: { readonly resourceGroup: string; readonly storageAccount: string; readonly container: string; readonly bootstrapped: boolean };
  readonly dns: {
    readonly zone: string;
    readonly parent?: { readonly zone: string; readonly resourceGroup: string; readonly subscriptionId: string };
  };
  readonly network: { readonly vnetCidr: string; readonly aksSubnet: string; readonly postgresqlSubnet: string };
  readonly aks: {
    readonly kubernetesVersion: string;
    readonly tier: 'Free' | 'Standard' | 'Premium';
    readonly zones: readonly number[];
    readonly nodePools: readonly NodePool[];
    readonly network: {
      readonly plugin: 'azure' | 'kubenet';
      readonly mode: 'overlay' | null;
      readonly policy: 'cilium' | 'azure' | 'calico';
      readonly dataPlane: 'cilium' | 'azure';
      readonly podCidr: string;
      readonly serviceCidr: string;
      readonly dnsServiceIp: string;
    };
    readonly apiServerAuthorizedRanges: readonly string[];
    readonly adminGroupObjectIds: readonly string[];
    readonly logAnalytics: { readonly enabled: boolean; readonly retentionDays: number };
    readonly upgradeChannel: 'none' | 'patch' | 'stable' | 'rapid' | 'node-image';
    readonly maintenanceWindow: { readonly day: string; readonly startTime: string; readonly durationHours: number; readonly utcOffset: string };
  };
  readonly postgresql: {
    readonly version: string;
    readonly sku: string;
    readonly storageMb: number;
    readonly highAvailability: 'ZoneRedundant' | 'SameZone' | 'Disabled';
    readonly backupRetentionDays: number;
    readonly geoRedundantBackup: boolean;
    readonly maintenanceWindow: { readonly day: string; readonly startTime: string };
  };
  readonly gitops: { readonly repository: string; readonly branch: string; readonly interval: string; readonly path: string; readonly secretName: string | null };
  readonly releases: {
    readonly ingressNginx: { readonly chartVersion: string | null; readonly replicas: number };
    readonly certManager: {
      readonly chartVersion: string | null;
      readonly email: string;
      readonly issuer: 'staging' | 'production';
      readonly solver: 'http01' | 'dns01';
    };
    readonly externalDns: { readonly chartVersion: string | null; readonly policy: 'upsert-only' | 'sync' };
    readonly velero: { readonly chartVersion: string | null; readonly enabled: boolean; readonly schedules: readonly VeleroSchedule[] };
    readonly monitoring: {
      readonly chartVersion: string | null;
      readonly retention: string;
      readonly storageSize: string;
      readonly grafanaHost: string;
      readonly receivers: readonly Receiver[];
      readonly smtp: { readonly smarthost: string; readonly from: string; readonly username: string } | null;
      readonly scrapeInterval: string;
    };
    readonly postfacto: { readonly chartVersion: string | null };
  };
  readonly apps: { readonly postfacto: readonly PostfactoInstance[] };
  readonly access: readonly AccessEntry[];
  readonly names: AzureNames;
}

/** Namespaces the platform releases live in; apps may not claim them. */
export const platformNamespaces = ['cert-manager', 'external-dns', 'ingress-nginx', 'monitoring', 'velero'] as const;
/** Namespaces owned by Kubernetes, AKS or Flux. */
export const systemNamespaces = ['default', 'flux-system', 'gatekeeper-system', 'kube-node-lease', 'kube-public', 'kube-system'] as const;
