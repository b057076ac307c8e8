// The aks module's options, evaluated with the real terraform (terraform console over the module's
// variables and locals, no providers): Container Insights' streams and settings, spot pools, the
// pod subnet, Defender and the backup account's diagnostics.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blocksOf, parseModule, type Body } from '../helpers/hcl.ts';
import { evaluateExpressions } from '../helpers/terraform-conditions.ts';
import { repoRoot } from '../helpers/workspace.ts';

const dir = path.join(repoRoot, 'terraform/modules/aks');
const resource = async (type: string, name: string): Promise<Body> => blocksOf(await parseModule(dir), 'resource').find(([t, n]) => t === type && n === name)![2];
const expr = (e: unknown) => String(e).replace(/^\$\{([\s\S]*)\}$/, '$1');
const workspace = { enabled: true, workspace_name: 'log-x' };

describe('aks module: Container Insights data collection rule', () => {
  // Streams and dataCollectionSettings as Microsoft's onboarding sample writes them
  // (microsoft/Docker-Provider scripts/onboarding/aks/onboarding-msi-terraform).
  const evaluate = (logAnalytics: Record<string, unknown>) => evaluateExpressions(dir, ['local.container_insights_streams', 'local.container_insights_settings'], { log_analytics: { ...workspace, ...logAnalytics } });

  it('collects everything through the default group, every namespace, each minute, by default', async () => {
    expect(await evaluate({})).toEqual([['Microsoft-ContainerInsights-Group-Default'], { interval: '1m', enableContainerLogV2: true, namespaceFilteringMode: 'Off' }]);
  });

  it('keeps Azure\'s "Logs and Events" tables, filters namespaces and slows the interval when asked', async () => {
    const [streams, settings] = await evaluate({ tables: 'logs-and-events', namespaces: { mode: 'exclude', list: ['kube-system'] }, interval: '5m' });
    expect(streams).toEqual(['Microsoft-ContainerLogV2', 'Microsoft-KubeEvents', 'Microsoft-KubePodInventory']);
    expect(settings).toEqual({ interval: '5m', enableContainerLogV2: true, namespaceFilteringMode: 'Exclude', namespaces: ['kube-system'] });
  });

  it('leaves ContainerLogV2 out without container logs, whatever the tables', async () => {
    const [all] = await evaluate({ container_logs: false });
    expect(all).not.toContain('Microsoft-ContainerLogV2');
    expect(all).toContain('Microsoft-KubePodInventory');
    expect(all).toHaveLength(10);
    expect((await evaluate({ container_logs: false, tables: 'logs-and-events' }))[0]).toEqual(['Microsoft-KubeEvents', 'Microsoft-KubePodInventory']);
  });

  it('wires the streams into the rule it associates with the cluster', async () => {
    const rule = await resource('azurerm_monitor_data_collection_rule', 'container_insights');
    expect(((rule.data_flow as Body[])[0]!).streams).toBe('${local.container_insights_streams}');
    const extension = (((rule.data_sources as Body[])[0]!).extension as Body[])[0]!;
    expect(extension.extension_json).toBe('${jsonencode({ dataCollectionSettings = local.container_insights_settings })}');
  });
});

describe('aks module: node pools', () => {
  // Each user pool attribute, evaluated per pool of var.user_node_pools (each.value → the pool).
  const perPool = async (attribute: string, pools: Record<string, unknown>) => {
    const body = await resource('azurerm_kubernetes_cluster_node_pool', 'user');
    const e = expr(body[attribute]).replace(/each\.value/g, 'p');
    return (await evaluateExpressions(dir, [`[for p in values(var.user_node_pools) : ${e}]`], { user_node_pools: pools, zones: ['1', '2'] }))[0];
  };
  const pools = { regular: { vm_size: 'Standard_D4ds_v5', min_count: 1, max_count: 3 }, spot: { vm_size: 'Standard_D4ds_v5', min_count: 0, max_count: 3, zones: ['3'], spot: {} } };

  it('puts a spot pool on spot VMs, evicted by deletion, up to the pay-as-you-go price (azurerm defaults)', async () => {
    expect(await perPool('priority', pools)).toEqual(['Regular', 'Spot']);
    expect(await perPool('eviction_policy', pools)).toEqual([null, 'Delete']);
    expect(await perPool('spot_max_price', pools)).toEqual([null, -1]);
    expect(await perPool('zones', pools)).toEqual([['1', '2'], ['3']]);
  });

  it('surges regular pools only: AKS has no surge nodes for spot upgrades', async () => {
    const body = await resource('azurerm_kubernetes_cluster_node_pool', 'user');
    const upgrade = (body.dynamic as Record<string, Body[]>).upgrade_settings![0]!;
    const forEach = expr(upgrade.for_each).replace(/each\.value/g, 'p');
    expect((await evaluateExpressions(dir, [`[for p in values(var.user_node_pools) : length(${forEach})]`], { user_node_pools: pools }))[0]).toEqual([1, 0]);
  });
});

describe('aks module: pod subnet, Defender, backup diagnostics', () => {
  it('delegates a pod subnet to AKS and drops the overlay range when one is given', async () => {
    const subnet = await resource('azurerm_subnet', 'pods');
    expect(String(subnet.count)).toBe('${var.network.pod_subnet_prefix == null ? 0 : 1}');
    expect((((subnet.delegation as Body[])[0]!).service_delegation as Body[])[0]!.name).toBe('Microsoft.ContainerService/managedClusters');
    const cluster = await resource('azurerm_kubernetes_cluster', 'this');
    const podCidr = expr(((cluster.network_profile as Body[])[0]!).pod_cidr);
    const network = { vnet_name: 'v', address_space: '10.40.0.0/16', aks_subnet_name: 'a', aks_subnet_prefix: '10.40.0.0/20', postgresql_subnet_name: 'p', postgresql_subnet_prefix: '10.40.16.0/24', plugin: 'azure', policy: 'cilium', data_plane: 'cilium', pod_cidr: '192.168.0.0/16', service_cidr: '172.16.0.0/16', dns_service_ip: '172.16.0.10' };
    expect(await evaluateExpressions(dir, [podCidr], { network: { ...network, plugin_mode: 'overlay' } })).toEqual(['192.168.0.0/16']);
    expect(await evaluateExpressions(dir, [podCidr], { network: { ...network, pod_subnet_name: 'snet-pods', pod_subnet_prefix: '10.40.32.0/19' } })).toEqual([null]);
  });

  it('turns Defender on only with a workspace, and audits the backup blobs into it', async () => {
    const cluster = await resource('azurerm_kubernetes_cluster', 'this');
    expect(String((cluster.dynamic as Record<string, Body[]>).microsoft_defender![0]!.for_each)).toBe('${var.defender_enabled && var.log_analytics.enabled ? [1] : []}');
    const backup = await resource('azurerm_monitor_diagnostic_setting', 'backup_storage');
    expect(String(backup.count)).toBe('${var.backup != null && var.log_analytics.enabled ? 1 : 0}');
    expect(backup.provider).toBe('${azurerm.backup}');
    expect(backup.target_resource_id).toBe('${module.backup_storage[0].storage_account_id}/blobServices/default');
    expect(((backup.enabled_log as Body[])[0]!).category_group).toBe('audit');
  });
});
