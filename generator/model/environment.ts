// The resolved environment: every default applied, every name derived. Renderers read only this
// and contain no fallbacks. Objects are frozen by normalize().
import type { NodePoolName } from '../../schema/aks.ts';
import type { Stage } from '../../schema/identity.ts';
import type { AppInstances, ReleaseSettings } from '../catalog/index.ts';

export interface NodePool {
  /** system, apps, data, or the name of an aks.nodePools.extra pool. */
  readonly name: NodePoolName | (string & {});
  /** Where the pool sits in the file: aks.nodePools.<name> or aks.nodePools.extra.<name>. */
  readonly path: readonly string[];
  readonly vmSize: string;
  readonly min: number;
  readonly max: number;
  readonly labels: Readonly<Record<string, string>>;
  /** As given or defaulted; a spot pool's also carries the taint AKS adds (kubernetes.azure.com/scalesetpriority=spot:NoSchedule). */
  readonly taints: readonly string[];
  readonly zones: readonly number[];
  /** null: AKS's default. */
  readonly osDiskSizeGb: number | null;
  readonly osDiskType: 'Managed' | 'Ephemeral';
  /** null: AKS's default for the network mode. */
  readonly maxPods: number | null;
  readonly osSku: 'AzureLinux' | 'Ubuntu';
  /** null: regular VMs. */
  readonly spot: { readonly evictionPolicy: 'Delete' | 'Deallocate'; readonly maxPrice: number } | null;
}

/** A database of postgresql.databases: its role's password is the key vault secret passwordSecret. */
export interface ExtraDatabase {
  readonly name: string;
  readonly charset: string;
  readonly collation: string;
  readonly ctype: string;
  readonly connectionLimit: number | null;
  readonly passwordVersion: number;
  readonly passwordSecret: string;
}

export interface AccessEntry {
  readonly group: string;
  readonly description?: string;
  /** Namespace -> ClusterRole, sorted by namespace. */
  readonly namespaces: Readonly<Record<string, 'view' | 'edit' | 'admin'>>;
  /** May hold more than view on platform namespaces (rules/access.ts); reason says why. */
  readonly privileged: boolean;
  readonly reason?: string;
}

/** The names azure.names may set instead of deriving them. */
export interface NameOverrides {
  readonly cluster?: string;
  readonly resourceGroup?: string;
  readonly nodeResourceGroup?: string;
  readonly dnsResourceGroup?: string;
  readonly postgresqlResourceGroup?: string;
  readonly backupResourceGroup?: string;
  readonly stateKey?: string;
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
  /** The pod subnet's name (aks.network.mode pod-subnet). */
  readonly podSubnet: string;
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
  /** Folder of the stacks' state blobs: <stateKey>/<stack>.tfstate. */
  readonly stateKey: string;
  /** Names azure.names gives instead of deriving them (for messages: the field a name comes from). */
  readonly given: ReadonlyArray<keyof NameOverrides>;
  readonly identities: {
    readonly controlPlane: string;
    readonly kubelet: string;
    /** Add-on identities by key (catalog/index.ts workloadIdentities). */
    readonly workloads: Readonly<Record<string, string>>;
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
    readonly deleteLocks: boolean;
  };
  readonly state: { readonly resourceGroup: string; readonly storageAccount: string; readonly container: string; readonly bootstrapped: boolean; readonly replication: 'GZRS' | 'ZRS' | 'LRS' };
  readonly terraform: {
    readonly runnerRanges: readonly string[];
    readonly deployers: ReadonlyArray<{ readonly objectId: string; readonly description: string }>;
  };
  readonly dns: {
    readonly zone: string;
    /** owned: the dns stack creates the zone (in names.dnsResourceGroup); existing: it looks up a zone managed elsewhere. */
    readonly mode: 'owned' | 'existing';
    /** Subscription of the zone: the environment's, or dns.existing.subscriptionId. */
    readonly subscriptionId: string;
    /**
     * Zones of other fleet environments delegated from this one (its dns stack keeps their NS
     * records): the record name and where each child's dns stack keeps its state. Set by loadEnvironments.
     */
    readonly children: ReadonlyArray<{
      readonly environment: string;
      readonly name: string;
      readonly state: { readonly resourceGroup: string; readonly storageAccount: string; readonly container: string; readonly key: string };
    }>;
    readonly parent?: {
      readonly zone: string;
      readonly resourceGroup: string;
      readonly subscriptionId: string;
      /** The environment that manages the parent zone, when one of the fleet does: its dns stack is applied first. */
      readonly owner: string | null;
      /**
       * With an owner: who runs the owner's dns stack, which keeps the NS record for this zone and reads
       * this environment's dns state for the name servers (its deployers get read on that blob, its
       * runner ranges through the state firewall). Set by loadEnvironments.
       */
      readonly ownerRunners: { readonly objectIds: readonly string[]; readonly ranges: readonly string[] } | null;
    };
  };
  readonly network: {
    readonly vnetCidr: string;
    readonly aksSubnet: string;
    readonly postgresqlSubnet: string;
    /** Pod subnet (aks.network.mode pod-subnet); null otherwise. */
    readonly podSubnet: string | null;
  };
  readonly aks: {
    readonly kubernetesVersion: string;
    readonly tier: 'Free' | 'Standard' | 'Premium';
    readonly zones: readonly number[];
    readonly nodePools: readonly NodePool[];
    readonly network: {
      readonly plugin: 'azure' | 'kubenet';
      readonly mode: 'overlay' | 'pod-subnet' | null;
      readonly policy: 'cilium' | 'azure' | 'calico';
      readonly dataPlane: 'cilium' | 'azure';
      readonly podCidr: string;
      readonly serviceCidr: string;
      readonly dnsServiceIp: string;
    };
    /** Cluster autoscaler profile (auto_scaler_profile). */
    readonly autoscaler: {
      readonly expander: 'random' | 'least-waste' | 'most-pods';
      readonly balanceSimilarNodeGroups: boolean;
      readonly scaleDownDelayAfterAdd: string;
      readonly scaleDownUnneeded: string;
      readonly scaleDownUtilizationThreshold: number;
    };
    /** Microsoft Defender for Containers, reporting into the Log Analytics workspace. */
    readonly defender: boolean;
    readonly apiServerAuthorizedRanges: readonly string[];
    readonly adminGroupObjectIds: readonly string[];
    readonly logAnalytics: {
      readonly enabled: boolean;
      readonly retentionDays: number;
      /** Container Insights, the cluster's log collector (the aks stack's data collection rule). */
      readonly containerLogs: boolean;
      readonly tables: 'all' | 'logs-and-events';
      readonly namespaces: { readonly mode: 'include' | 'exclude'; readonly list: readonly string[] } | null;
      readonly interval: string;
    };
    /** kubeconfig context helmfile deploys to (helmDefaults.kubeContext). */
    readonly kubeContext: string;
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
    readonly administratorGroup: { readonly objectId: string; readonly name: string } | null;
    readonly administratorPasswordVersion: number;
    /** Server parameters as Azure takes them (strings), sorted by name; the TLS settings the module owns are not among them. */
    readonly parameters: Readonly<Record<string, string>>;
    /** ssl_min_protocol_version: TLS 1.2 unless the environment raises it. */
    readonly tlsMinVersion: 'TLSv1.2' | 'TLSv1.3';
    /** Databases beyond the apps', each owned by a login role of its name (databases stack). */
    readonly databases: readonly ExtraDatabase[];
    readonly replicas: ReadonlyArray<{ readonly name: string; readonly server: string; readonly sku: string; readonly zone: number }>;
  };
  readonly gitops: { readonly repository: string; readonly branch: string; readonly interval: string; readonly path: string; readonly secretName: string | null; readonly secretCreated: boolean };
  /** Every release's settings with its defaults (catalog/index.ts), and the chart pin of each app kind. */
  readonly releases: ReleaseSettings;
  /** The instances of every app kind, defaults applied. */
  readonly apps: AppInstances;
  readonly access: readonly AccessEntry[];
  readonly names: AzureNames;
}

/** Namespaces owned by Kubernetes, AKS or Flux. */
export const systemNamespaces = ['default', 'flux-system', 'gatekeeper-system', 'kube-node-lease', 'kube-public', 'kube-system'] as const;
