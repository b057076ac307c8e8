// The one place defaults are resolved. Stage-dependent defaults (prod is highly available, test is
// cheap) are decided here, so renderers never guess.
import type { EnvironmentInput } from '../../schema/environment.ts';
import type { NodePoolName } from '../../schema/aks.ts';
import type { Environment, NodePool } from './environment.ts';
import { appInstances, releaseSettings } from '../catalog/index.ts';
import type { DefaultsContext } from '../catalog/definition.ts';
import { deepFreeze, sortedRecord } from './freeze.ts';
import { deriveNames } from './names.ts';
import { formatCidr, parseCidr } from './rules/ipv4.ts';

interface PoolDefaults {
  readonly vmSize: string;
  readonly prod: readonly [number, number];
  readonly other: readonly [number, number];
  readonly labels: Record<string, string>;
  readonly taints: readonly string[];
}

export const nodePoolDefaults: Readonly<Record<NodePoolName, PoolDefaults>> = {
  system: { vmSize: 'Standard_D4ds_v5', prod: [2, 3], other: [1, 2], labels: { 'slipway.io/pool': 'system' }, taints: ['CriticalAddonsOnly=true:NoSchedule'] },
  apps: { vmSize: 'Standard_D4ds_v5', prod: [2, 6], other: [1, 3], labels: { 'slipway.io/pool': 'apps' }, taints: [] },
  // Redis runs here; the taint keeps everything else off the pool.
  data: { vmSize: 'Standard_E2ds_v5', prod: [2, 3], other: [1, 2], labels: { 'slipway.io/pool': 'data' }, taints: ['slipway.io/pool=data:NoSchedule'] },
};

/** The taint AKS puts on spot nodes (AKS docs, spot-node-pool: "kubernetes.azure.com/scalesetpriority=spot:NoSchedule"). */
export const SPOT_TAINT = 'kubernetes.azure.com/scalesetpriority=spot:NoSchedule';

export const DEFAULT_VNET_CIDR = '10.40.0.0/16';
/** The smallest VNet (as a prefix length) the default subnets are derived from; see defaultSubnets. */
export const SMALLEST_VNET_PREFIX_FOR_DEFAULT_SUBNETS = 24;

/**
 * The default subnets of a VNet, derived from the VNet alone (so a subnet given in the file never
 * moves the other one, and an unset vnetCidr keeps 10.40.0.0/20 and 10.40.16.0/24):
 * - aks: the first /20 of the VNet (4091 node addresses; pods use the overlay range), or the first
 *   half of the VNet when the VNet is smaller than a /19, so a small VNet still leaves room;
 * - postgresql: the block right after the aks subnet, a /24, or the aks subnet's size when that is
 *   smaller (a /24 VNet splits into two /25).
 * A VNet smaller than a /24 leaves the node pools too little room to scale and surge; the network
 * rule reports it (VNET_TOO_SMALL), and the blocks returned for it are never rendered.
 */
export function defaultSubnets(vnetCidr: string): { aks: string; postgresql: string } {
  const vnet = parseCidr(vnetCidr);
  const aksPrefix = Math.min(32, Math.max(20, vnet.prefix + 1));
  const postgresqlPrefix = Math.max(24, aksPrefix);
  return { aks: formatCidr(vnet.start, aksPrefix), postgresql: formatCidr(vnet.start + 2 ** (32 - aksPrefix), postgresqlPrefix) };
}

/** Parameters the postgresql module sets itself (TLS), never through postgresql.parameters (rules/postgresql.ts says why). */
export const MODULE_PARAMETERS = ['require_secure_transport', 'ssl_min_protocol_version'] as const;

/** A parameter value as Azure takes it: booleans as on/off, numbers in decimal. */
const parameterText = (value: string | number | boolean) => (typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value));

/** Key vault secret of an extra database's role password: postgresql-database-<name>-password, "_" as "-". */
export const databasePasswordSecret = (database: string) => `postgresql-database-${database.replace(/_/g, '-')}-password`;

/** Parameters, extra databases and read replicas with their defaults. */
function postgresqlExtras(pg: NonNullable<EnvironmentInput['postgresql']>, server: string, zones: readonly number[], sku: string) {
  const given = pg.parameters ?? {};
  return {
    parameters: sortedRecord(
      Object.fromEntries(
        Object.entries(given)
          .filter(([name]) => !(MODULE_PARAMETERS as readonly string[]).includes(name))
          .map(([name, value]) => [name, parameterText(value)]),
      ),
    ),
    tlsMinVersion: given.ssl_min_protocol_version === 'TLSv1.3' ? ('TLSv1.3' as const) : ('TLSv1.2' as const),
    databases: (pg.databases ?? []).map((d) => {
      const collation = d.collation ?? 'en_US.utf8';
      return {
        name: d.name,
        charset: d.charset ?? 'UTF8',
        collation,
        ctype: d.ctype ?? collation,
        connectionLimit: d.connectionLimit ?? null,
        passwordVersion: d.passwordVersion ?? 1,
        passwordSecret: databasePasswordSecret(d.name),
      };
    }),
    replicas: (pg.replicas ?? []).map((r, i) => ({
      name: r.name,
      server: `${server}-${r.name}`,
      sku: r.sku ?? sku,
      zone: r.zone ?? zones[(i + 1) % zones.length]!,
    })),
  };
}

/** The state account survives a zone (and in prod a region) outage; test keeps one copy per zone. */
const stateReplication = { prod: 'GZRS', staging: 'ZRS', test: 'LRS' } as const;

export function normalize(input: EnvironmentInput, source: string): Environment {
  const prod = input.stage === 'prod';
  const byStage = <T>(prodValue: T, otherValue: T) => (prod ? prodValue : otherValue);
  // Release and app defaults are decided by their catalog definitions, from this context.
  const defaults: DefaultsContext = { stage: input.stage, name: input.name, zone: input.dns.zone, byStage };
  const aks = input.aks;
  const net = aks.network ?? {};
  const plugin = net.plugin ?? 'azure';
  const policy = net.policy ?? 'cilium';
  const pg = input.postgresql ?? {};
  const vnetCidr = input.network?.vnetCidr ?? DEFAULT_VNET_CIDR;
  const names = deriveNames(input.name, { backupStorageAccount: input.releases.velero?.storageAccount, overrides: input.azure.names, existingZoneResourceGroup: input.dns.existing?.resourceGroup });
  const zones = aks.zones ?? byStage([1, 2, 3], [1]);
  const subnets = defaultSubnets(vnetCidr);

  // The named pools, then aks.nodePools.extra in name order (a map: order carries no meaning).
  const extra = Object.entries(aks.nodePools?.extra ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const nodePools: NodePool[] = [
    ...(['system', 'apps', 'data'] as const).map((name) => {
      const d = nodePoolDefaults[name];
      return { name, path: ['aks', 'nodePools', name], given: aks.nodePools?.[name] ?? {}, defaults: { vmSize: d.vmSize, range: byStage(d.prod, d.other), labels: d.labels, taints: d.taints } };
    }),
    ...extra.map(([name, given]) => ({
      name,
      path: ['aks', 'nodePools', 'extra', name],
      given,
      defaults: { vmSize: 'Standard_D4ds_v5', range: [0, 3] as const, labels: { 'slipway.io/pool': name }, taints: [] as readonly string[] },
    })),
  ].map(({ name, path, given, defaults: d }): NodePool => {
    const [min, max] = d.range;
    const spot = 'spot' in given && given.spot ? { evictionPolicy: given.spot.evictionPolicy ?? 'Delete', maxPrice: given.spot.maxPrice ?? -1 } : null;
    const taints = given.taints ?? d.taints;
    return {
      name,
      path,
      vmSize: given.vmSize ?? d.vmSize,
      min: given.min ?? min,
      max: given.max ?? Math.max(max, given.min ?? min),
      labels: sortedRecord({ ...d.labels, ...given.labels }),
      // AKS adds this taint to every spot node; declaring it keeps Terraform from planning to remove it.
      taints: spot && !taints.includes(SPOT_TAINT) ? [...taints, SPOT_TAINT] : taints,
      zones: given.zones ?? zones,
      osDiskSizeGb: given.osDisk?.sizeGb ?? null,
      osDiskType: given.osDisk?.type ?? 'Managed',
      maxPods: given.maxPods ?? null,
      osSku: given.osSku ?? 'AzureLinux',
      spot,
    };
  });

  const env: Environment = {
    source,
    name: input.name,
    stage: input.stage,
    azure: {
      subscriptionId: input.azure.subscriptionId.toLowerCase(),
      tenantId: input.azure.tenantId.toLowerCase(),
      location: input.azure.location,
      tags: sortedRecord({ ...input.azure.tags, environment: input.name, stage: input.stage, 'managed-by': 'slipway' }),
      deleteLocks: input.azure.deleteLocks ?? prod,
    },
    state: {
      resourceGroup: input.state.resourceGroup,
      storageAccount: input.state.storageAccount,
      container: input.state.container ?? 'tfstate',
      bootstrapped: input.state.bootstrapped ?? false,
      replication: stateReplication[input.stage],
    },
    terraform: {
      runnerRanges: input.terraform.runnerRanges,
      deployers: input.terraform.deployers.map((d) => ({ objectId: d.objectId.toLowerCase(), description: d.description })),
    },
    dns: {
      zone: input.dns.zone,
      mode: input.dns.existing ? 'existing' : 'owned',
      subscriptionId: (input.dns.existing?.subscriptionId ?? input.azure.subscriptionId).toLowerCase(),
      children: [],
      ...(input.dns.parent && {
        parent: {
          zone: input.dns.parent.zone,
          resourceGroup: input.dns.parent.resourceGroup,
          subscriptionId: (input.dns.parent.subscriptionId ?? input.azure.subscriptionId).toLowerCase(),
          // Known only across the fleet: set by loadEnvironments (withParentOwners).
          owner: null,
          ownerRunners: null,
        },
      }),
    },
    network: {
      vnetCidr,
      aksSubnet: input.network?.subnets?.aks ?? subnets.aks,
      postgresqlSubnet: input.network?.subnets?.postgresql ?? subnets.postgresql,
      podSubnet: input.network?.subnets?.pods ?? null,
    },
    aks: {
      kubernetesVersion: aks.kubernetesVersion,
      tier: aks.tier ?? byStage('Standard', 'Free'),
      zones,
      nodePools,
      network: {
        plugin,
        mode: net.mode ?? (plugin === 'azure' ? 'overlay' : null),
        policy,
        dataPlane: policy === 'cilium' ? 'cilium' : 'azure',
        podCidr: net.podCidr ?? '192.168.0.0/16',
        serviceCidr: net.serviceCidr ?? '172.16.0.0/16',
        dnsServiceIp: net.dnsServiceIp ?? '172.16.0.10',
      },
      // AKS's own defaults (azurerm auto_scaler_profile), written out so the plan shows them.
      autoscaler: {
        expander: aks.autoscaler?.expander ?? 'random',
        balanceSimilarNodeGroups: aks.autoscaler?.balanceSimilarNodeGroups ?? false,
        scaleDownDelayAfterAdd: aks.autoscaler?.scaleDownDelayAfterAdd ?? '10m',
        scaleDownUnneeded: aks.autoscaler?.scaleDownUnneeded ?? '10m',
        scaleDownUtilizationThreshold: aks.autoscaler?.scaleDownUtilizationThreshold ?? 0.5,
      },
      defender: aks.defender?.enabled ?? false,
      apiServerAuthorizedRanges: aks.apiServer.authorizedRanges,
      adminGroupObjectIds: aks.adminGroupObjectIds.map((g) => g.toLowerCase()),
      logAnalytics: {
        enabled: aks.logAnalytics?.enabled ?? true,
        retentionDays: aks.logAnalytics?.retentionDays ?? 30,
        containerLogs: aks.logAnalytics?.containerLogs ?? true,
        tables: aks.logAnalytics?.tables ?? 'all',
        namespaces: aks.logAnalytics?.namespaces ? { mode: aks.logAnalytics.namespaces.mode, list: [...new Set(aks.logAnalytics.namespaces.list)].sort() } : null,
        interval: aks.logAnalytics?.interval ?? '1m',
      },
      kubeContext: aks.kubeContext ?? names.cluster,
      upgradeChannel: aks.upgradeChannel ?? 'patch',
      maintenanceWindow: {
        day: aks.maintenanceWindow?.day ?? 'Sunday',
        startTime: aks.maintenanceWindow?.startTime ?? '00:00',
        durationHours: aks.maintenanceWindow?.durationHours ?? 4,
        utcOffset: aks.maintenanceWindow?.utcOffset ?? '+00:00',
      },
    },
    postgresql: {
      version: pg.version ?? '16',
      sku: pg.sku ?? byStage('GP_Standard_D2ds_v5', 'B_Standard_B1ms'),
      storageMb: pg.storageMb ?? 32768,
      highAvailability: pg.highAvailability ?? byStage('ZoneRedundant', 'Disabled'),
      backupRetentionDays: pg.backupRetentionDays ?? byStage(35, 7),
      geoRedundantBackup: pg.geoRedundantBackup ?? prod,
      maintenanceWindow: pg.maintenanceWindow ?? { day: 'Sunday', startTime: '02:00' },
      administratorGroup: pg.administratorGroup ?? null,
      administratorPasswordVersion: pg.administratorPasswordVersion ?? 1,
      ...postgresqlExtras(pg, names.postgresqlServer, zones, pg.sku ?? byStage('GP_Standard_D2ds_v5', 'B_Standard_B1ms')),
    },
    gitops: {
      repository: input.gitops.repository,
      branch: input.gitops.branch ?? 'main',
      interval: input.gitops.interval ?? '1m',
      path: `out/${input.name}/flux`,
      secretName: input.gitops.secretName ?? null,
      secretCreated: input.gitops.secretCreated ?? false,
    },
    releases: releaseSettings(input.releases, defaults),
    apps: appInstances(input.apps, defaults),
    access: (input.access ?? []).map((entry) => ({
      group: entry.group.toLowerCase(),
      ...(entry.description !== undefined && { description: entry.description }),
      namespaces: sortedRecord(entry.namespaces),
      privileged: entry.privileged ?? false,
      ...(entry.reason !== undefined && { reason: entry.reason }),
    })),
    names,
  };
  return deepFreeze(env);
}
