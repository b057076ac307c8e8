// The six root stacks of an environment, as data: which module each calls, with which values
// (through terraform.tfvars.json) and which expressions (remote state of an earlier stack, or
// another module's outputs). Applied in this order: state, dns, aks, postgresql, databases (from a
// machine that reaches the virtual network), gitops (Flux starts last, once everything its first
// sync reads exists).
import { durationSeconds } from '../../model/duration.ts';
import type { Environment, NodePool } from '../../model/environment.ts';
import { containerRegistriesOf, releaseDatabases, releaseVaultSecrets, secretReadersOf, workloadRoles } from '../../catalog/index.ts';
import { hclString } from './hcl.ts';
import { POSTGRESQL_ADMIN_LOGIN, POSTGRESQL_PASSWORD_SECRET } from '../../model/key-vault-secrets.ts';
import { azureIdentitiesOf, staticSubstitutions } from '../../model/workload-identities.ts';
import { identityName } from '../../model/names.ts';
import { LAYER_TIMEOUTS } from '../flux/layout.ts';

export const STACKS = ['state', 'dns', 'aks', 'postgresql', 'databases', 'gitops'] as const;
export type StackName = (typeof STACKS)[number];

export interface ModuleCall {
  /** Module label in the root, e.g. module "aks". */
  readonly name: string;
  /** Folder under terraform/modules. */
  readonly module: string;
  readonly providers?: string;
  /** Inputs passed through root variables and terraform.tfvars.json: the exact model values. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Inputs passed as HCL expressions: remote state of earlier stacks, other modules' outputs. */
  readonly expressions?: Readonly<Record<string, string>>;
}

export interface Stack {
  readonly name: StackName;
  /** Earlier stacks whose outputs this one reads through terraform_remote_state. */
  readonly reads: readonly StackName[];
  /** Extra azurerm provider aliases by name: subscription ID. */
  readonly providerAliases: Readonly<Record<string, string>>;
  /** Configurations of providers other than azurerm, as HCL attributes (values are expressions). */
  readonly otherProviders?: ReadonlyArray<{ readonly name: string; readonly attributes: ReadonlyArray<readonly [string, string]> }>;
  /** Root-level ephemeral resources the provider configurations read (nothing of them is stored). */
  readonly ephemerals?: ReadonlyArray<{ readonly type: string; readonly name: string; readonly attributes: ReadonlyArray<readonly [string, string]> }>;
  readonly modules: readonly ModuleCall[];
}

/**
 * The Flux configuration's kustomization applies the layer Kustomizations and waits for each, one
 * after another (dependsOn): it must wait at least as long as their timeouts together, plus the
 * time to apply them, or the first sync reports non-compliant while the layers still work.
 */
export const fluxConfigurationTimeoutSeconds = () => Object.values(LAYER_TIMEOUTS).reduce((sum, t) => sum + durationSeconds(t), 0) + 300;

const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const remote = (stack: StackName, output: string) => `data.terraform_remote_state.${stack}.outputs.${output}`;

/**
 * The aks stack's Log Analytics workspace (aks.logAnalytics), for the PostgreSQL diagnostic settings:
 * its resource ID follows from names the model derives (the aks module creates it as
 * names.logAnalyticsWorkspace in names.resourceGroup), so the postgresql stack needs no new output
 * of the aks stack. Null without the workspace.
 */
const logAnalyticsWorkspaceId = (env: Environment) =>
  env.aks.logAnalytics.enabled
    ? `/subscriptions/${env.azure.subscriptionId}/resourceGroups/${env.names.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${env.names.logAnalyticsWorkspace}`
    : null;

export function stacksOf(env: Environment): Stack[] {
  const zones = env.aks.zones.map(String);
  const pools = Object.fromEntries(env.aks.nodePools.map((p) => [p.name, p]));
  const system = pools.system!;
  const pg = env.postgresql;
  const [startHour, startMinute] = pg.maintenanceWindow.startTime.split(':').map(Number);
  // What every pool shares in the module: zones, OS image and disk, pods per node (null: AKS's default).
  const poolShape = (p: NodePool) => ({ zones: p.zones.map(String), os_sku: p.osSku, os_disk_type: p.osDiskType, os_disk_size_gb: p.osDiskSizeGb, max_pods: p.maxPods });
  const userPools = Object.fromEntries(
    env.aks.nodePools
      .filter((p) => p.name !== 'system')
      .map((p) => [
        p.name,
        {
          vm_size: p.vmSize,
          min_count: p.min,
          max_count: p.max,
          labels: p.labels,
          taints: p.taints,
          ...poolShape(p),
          spot: p.spot ? { eviction_policy: p.spot.evictionPolicy, max_price: p.spot.maxPrice } : null,
        },
      ]),
  );
  const ingressIp = env.releases.ingressNginx.loadBalancer.publicIp;

  return [
    {
      name: 'state',
      reads: [],
      providerAliases: {},
      modules: [
        {
          name: 'state',
          module: 'remote-state',
          values: {
            resource_group_name: env.state.resourceGroup,
            location: env.azure.location,
            storage_account_name: env.state.storageAccount,
            container_name: env.state.container,
            replication_type: env.state.replication,
            // The parent zone's environment reads this one's dns state (its NS record for this zone): its runners pass the firewall too.
            allowed_ip_ranges: [...new Set([...env.terraform.runnerRanges, ...(env.dns.parent?.ownerRunners?.ranges ?? [])])],
            // With shared keys off, this is how the principals that run Terraform read and write state.
            blob_data_contributors: Object.fromEntries(env.terraform.deployers.map((d) => [`deployer-${d.objectId}`, d.objectId])),
            // ... and how the parent's deployers read the dns stack's state blob, and nothing else.
            blob_data_readers: Object.fromEntries(
              (env.dns.parent?.ownerRunners?.objectIds ?? [])
                .filter((id) => !env.terraform.deployers.some((d) => d.objectId === id)) // contributors read already
                .map((id) => [`${env.dns.parent!.owner}-deployer-${id}`, { principal_id: id, blobs: [`${env.names.stateKey}/dns.tfstate`] }]),
            ),
            // The blob service's read, write and delete logs go where the cluster's audit goes (the aks stack creates the workspace).
            log_analytics_workspace: env.aks.logAnalytics.enabled ? { name: env.names.logAnalyticsWorkspace, resource_group_name: env.names.resourceGroup } : null,
            tags: env.azure.tags,
          },
        },
      ],
    },
    {
      name: 'dns',
      reads: [],
      // parent: where this stack writes its own NS record, only when the parent zone is outside the
      // fleet (a fleet parent's dns stack keeps it: this stack's deployers need no write on the
      // parent); zone: the existing zone's subscription.
      providerAliases: { parent: (!env.dns.parent?.owner && env.dns.parent?.subscriptionId) || env.azure.subscriptionId, zone: env.dns.subscriptionId },
      modules: [
        {
          name: 'dns_zone',
          module: 'dns-zone',
          providers: '{ azurerm = azurerm, azurerm.parent = azurerm.parent, azurerm.zone = azurerm.zone }',
          values: {
            resource_group_name: env.names.dnsResourceGroup,
            location: env.azure.location,
            zone_name: env.dns.zone,
            existing: env.dns.mode === 'existing',
            parent_zone: env.dns.parent && !env.dns.parent.owner ? { name: env.dns.parent.zone, resource_group_name: env.dns.parent.resourceGroup, owner: null } : null,
            child_delegations: Object.fromEntries(
              env.dns.children.map((c) => [
                c.environment,
                { name: c.name, state: { resource_group_name: c.state.resourceGroup, storage_account_name: c.state.storageAccount, container_name: c.state.container, key: c.state.key } },
              ]),
            ),
            lock_enabled: env.azure.deleteLocks,
            tags: env.azure.tags,
          },
        },
      ],
    },
    {
      name: 'aks',
      reads: ['dns'],
      // Velero's backup account may live in another subscription (releases.velero.storageSubscriptionId).
      providerAliases: { backup: env.releases.velero.storageSubscriptionId ?? env.azure.subscriptionId },
      modules: [
        {
          name: 'aks',
          module: 'aks',
          providers: '{ azurerm = azurerm, azurerm.backup = azurerm.backup }',
          values: {
            name: env.names.cluster,
            resource_group_name: env.names.resourceGroup,
            location: env.azure.location,
            tenant_id: env.azure.tenantId,
            dns_prefix: env.names.dnsPrefix,
            kubernetes_version: env.aks.kubernetesVersion,
            sku_tier: env.aks.tier,
            node_resource_group_name: env.names.nodeResourceGroup,
            zones,
            network: {
              vnet_name: env.names.virtualNetwork,
              address_space: env.network.vnetCidr,
              aks_subnet_name: env.names.aksSubnet,
              aks_subnet_prefix: env.network.aksSubnet,
              postgresql_subnet_name: env.names.postgresqlSubnet,
              postgresql_subnet_prefix: env.network.postgresqlSubnet,
              plugin: env.aks.network.plugin,
              plugin_mode: env.aks.network.mode,
              policy: env.aks.network.policy,
              data_plane: env.aks.network.dataPlane,
              pod_cidr: env.aks.network.podCidr,
              service_cidr: env.aks.network.serviceCidr,
              dns_service_ip: env.aks.network.dnsServiceIp,
              pod_subnet_name: env.network.podSubnet === null ? null : env.names.podSubnet,
              pod_subnet_prefix: env.network.podSubnet,
            },
            system_node_pool: {
              vm_size: system.vmSize,
              min_count: system.min,
              max_count: system.max,
              labels: system.labels,
              only_critical_addons: system.taints.includes('CriticalAddonsOnly=true:NoSchedule'),
              ...poolShape(system),
            },
            user_node_pools: userPools,
            autoscaler: {
              expander: env.aks.autoscaler.expander,
              balance_similar_node_groups: env.aks.autoscaler.balanceSimilarNodeGroups,
              scale_down_delay_after_add: env.aks.autoscaler.scaleDownDelayAfterAdd,
              scale_down_unneeded: env.aks.autoscaler.scaleDownUnneeded,
              scale_down_utilization_threshold: env.aks.autoscaler.scaleDownUtilizationThreshold,
            },
            defender_enabled: env.aks.defender,
            // Only an IP outside the node resource group needs a role for the control plane there.
            ingress_public_ip_resource_group: ingressIp && ingressIp.resourceGroup !== env.names.nodeResourceGroup ? ingressIp.resourceGroup : null,
            api_server_authorized_ip_ranges: env.aks.apiServerAuthorizedRanges,
            admin_group_object_ids: env.aks.adminGroupObjectIds,
            log_analytics: {
              enabled: env.aks.logAnalytics.enabled,
              workspace_name: env.names.logAnalyticsWorkspace,
              retention_days: env.aks.logAnalytics.retentionDays,
              container_logs: env.aks.logAnalytics.containerLogs,
              tables: env.aks.logAnalytics.tables,
              namespaces: env.aks.logAnalytics.namespaces,
              interval: env.aks.logAnalytics.interval,
            },
            upgrade_channel: env.aks.upgradeChannel,
            maintenance_window: {
              day_of_week: env.aks.maintenanceWindow.day,
              start_time: env.aks.maintenanceWindow.startTime,
              duration_hours: env.aks.maintenanceWindow.durationHours,
              utc_offset: env.aks.maintenanceWindow.utcOffset,
            },
            identity_names: { control_plane: env.names.identities.controlPlane, kubelet: env.names.identities.kubelet },
            workload_identities: Object.fromEntries(
              azureIdentitiesOf(env).map((w) => [w.key, { name: identityName(env.name, w.key), namespace: w.namespace, service_accounts: w.serviceAccounts }]),
            ),
            workload_role_assignments: Object.fromEntries(
              workloadRoles(env)
                .filter((r) => !r.scope.startsWith('dns-'))
                .map((r) => [r.key, { identity: r.identity, role: r.role, scope: r.scope, actions: r.actions ?? null }]),
            ),
            terraform_runner_ranges: env.terraform.runnerRanges,
            deployer_object_ids: env.terraform.deployers.map((d) => d.objectId),
            cluster_user_group_ids: [...new Set([...env.aks.adminGroupObjectIds, ...env.access.map((a) => a.group)])].sort(),
            key_vault_name: env.names.keyVault,
            backup: env.releases.velero.enabled
              ? {
                  resource_group_name: env.names.backupResourceGroup,
                  storage_account_name: env.names.backupStorageAccount,
                  container_name: env.names.backupContainer,
                  replication_type: env.releases.velero.storageReplication,
                  immutability_days: env.releases.velero.immutableDays,
                }
              : null,
            git_credentials: env.gitops.secretName ? { secret_name: env.gitops.secretName, repository_url: env.gitops.repository } : null,
            // Registries the releases pull from (catalog): created here, or an existing one's ID; the kubelet identity gets AcrPull.
            container_registries: Object.fromEntries(containerRegistriesOf(env).map((r) => [r.name, r.resourceId ? { id: r.resourceId } : { sku: r.sku }])),
            tags: env.azure.tags,
          },
        },
        {
          name: 'dns_access',
          module: 'dns-zone/modules/access',
          values: {
            // Each release's identity declares its roles on the zone (catalog), keyed at plan time.
            role_assignments: Object.fromEntries(
              workloadRoles(env)
                .filter((r) => r.scope.startsWith('dns-'))
                .map((r) => [r.key, { identity: r.identity, role: r.role, scope: r.scope, actions: r.actions ?? null }]),
            ),
          },
          expressions: {
            zone_id: remote('dns', 'zone_id'),
            resource_group_id: remote('dns', 'resource_group_id'),
            principal_ids: 'module.aks.workload_identity_principal_ids',
            name: 'module.aks.cluster_name',
          },
        },
      ],
    },
    {
      name: 'postgresql',
      reads: ['aks'],
      providerAliases: {},
      modules: [
        {
          name: 'postgresql',
          module: 'postgresql',
          values: {
            name: env.names.postgresqlServer,
            resource_group_name: env.names.postgresqlResourceGroup,
            location: env.azure.location,
            tenant_id: env.azure.tenantId,
            postgresql_version: pg.version,
            sku_name: pg.sku,
            storage_mb: pg.storageMb,
            high_availability: pg.highAvailability,
            zones,
            backup_retention_days: pg.backupRetentionDays,
            geo_redundant_backup: pg.geoRedundantBackup,
            maintenance_window: { day_of_week: weekdays.indexOf(pg.maintenanceWindow.day), start_hour: startHour, start_minute: startMinute },
            private_dns_zone_name: env.names.postgresqlPrivateDnsZone,
            entra_administrator: pg.administratorGroup ? { object_id: pg.administratorGroup.objectId, name: pg.administratorGroup.name } : null,
            lock_enabled: env.azure.deleteLocks,
            administrator_login: POSTGRESQL_ADMIN_LOGIN,
            password_secret_name: POSTGRESQL_PASSWORD_SECRET,
            administrator_password_version: pg.administratorPasswordVersion,
            app_secrets: Object.fromEntries(
              releaseVaultSecrets(env).map((s) => [s.name, { generate: s.generate, ...(s.initialValue !== undefined && { initial_value: s.initialValue }) }]),
            ),
            parameters: pg.parameters,
            tls_min_version: pg.tlsMinVersion,
            replicas: Object.fromEntries(pg.replicas.map((r) => [r.name, { name: r.server, sku_name: r.sku, zone: String(r.zone) }])),
            log_analytics_workspace_id: logAnalyticsWorkspaceId(env),
            tags: env.azure.tags,
          },
          expressions: {
            delegated_subnet_id: remote('aks', 'postgresql_subnet_id'),
            virtual_network_id: remote('aks', 'virtual_network_id'),
            key_vault_id: remote('aks', 'key_vault_id'),
          },
        },
      ],
    },
    {
      name: 'databases',
      reads: ['aks', 'postgresql'],
      providerAliases: {},
      // The administrator password, read from the key vault for this run only, is the postgresql
      // provider's; it never reaches a pod or the state.
      ephemerals: [
        {
          type: 'azurerm_key_vault_secret',
          name: 'administrator_password',
          attributes: [
            ['name', remote('postgresql', 'password_secret_name')],
            ['key_vault_id', remote('aks', 'key_vault_id')],
          ],
        },
      ],
      otherProviders: [
        {
          name: 'postgresql',
          attributes: [
            ['host', remote('postgresql', 'fqdn')],
            ['port', '5432'],
            ['database', hclString('postgres')],
            ['username', remote('postgresql', 'administrator_login')],
            ['password', 'ephemeral.azurerm_key_vault_secret.administrator_password.value'],
            ['sslmode', hclString('require')],
            // Azure's administrator is a member of azure_pg_admin, not a superuser.
            ['superuser', 'false'],
            ['connect_timeout', '15'],
          ],
        },
      ],
      modules: [
        {
          name: 'databases',
          module: 'postgresql/modules/databases',
          values: {
            databases: Object.fromEntries([
              ...releaseDatabases(env).map((d) => [d.name, { password_secret_name: d.passwordSecret, password_version: d.passwordVersion }] as const),
              // postgresql.databases: the same role-owns-database shape, with their locale and the role's connection limit.
              ...pg.databases.map(
                (d) =>
                  [
                    d.name,
                    {
                      password_secret_name: d.passwordSecret,
                      password_version: d.passwordVersion,
                      connection_limit: d.connectionLimit ?? -1,
                      encoding: d.charset,
                      lc_collate: d.collation,
                      lc_ctype: d.ctype,
                    },
                  ] as const,
              ),
            ]),
            tags: env.azure.tags,
          },
          expressions: { key_vault_id: remote('aks', 'key_vault_id') },
        },
      ],
    },
    {
      name: 'gitops',
      reads: ['aks', 'postgresql', 'databases'],
      providerAliases: {},
      modules: [
        {
          name: 'flux',
          module: 'aks/modules/flux-configuration',
          values: {
            git: {
              repository_url: env.gitops.repository,
              branch: env.gitops.branch,
              path: `./${env.gitops.path}`,
              sync_interval_seconds: Math.max(60, durationSeconds(env.gitops.interval)),
            },
            credentials: env.gitops.secretName ? { secret_name: env.gitops.secretName, created: env.gitops.secretCreated } : null,
            timeout_seconds: fluxConfigurationTimeoutSeconds(),
            substitute: staticSubstitutions(env),
            client_id_variables: Object.fromEntries(azureIdentitiesOf(env).map((w) => [w.key, w.clientIdVariable])),
            // Each reader's identity may read exactly its secrets, granted once they exist.
            secret_readers: Object.fromEntries(secretReadersOf(env).map((r) => [r.key, r.secrets])),
            // What the pods read: the releases' secrets and each database role's password; never the administrator's.
            required_secret_names: [...releaseVaultSecrets(env).map((s) => s.name), ...releaseDatabases(env).map((d) => d.passwordSecret)].sort(),
          },
          expressions: {
            cluster_id: remote('aks', 'cluster_id'),
            client_ids: remote('aks', 'workload_identity_client_ids'),
            credentials_command: remote('aks', 'git_credentials_command'),
            principal_ids: remote('aks', 'workload_identity_principal_ids'),
            key_vault_id: remote('aks', 'key_vault_id'),
            postgresql_secret_names: remote('postgresql', 'secret_names'),
            database_secret_names: remote('databases', 'secret_names'),
          },
        },
      ],
    },
  ];
}
