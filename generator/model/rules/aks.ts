import type { Environment } from '../environment.ts';
import { duplicates, error, type Finding } from './rule.ts';

/** Zones within 1..3 and unique; node pool autoscaling bounds that make sense; Defender has a workspace. */
export function aksRules(env: Environment): Finding[] {
  const out: Finding[] = [];
  const zones = env.aks.zones;
  if (zones.length === 0) out.push(error('AKS_ZONES', ['aks', 'zones'], 'aks.zones is empty.', 'List the availability zones to use, such as [1, 2, 3].'));
  zones.forEach((z, i) => {
    if (z < 1 || z > 3) out.push(error('AKS_ZONES', ['aks', 'zones', i], `Zone ${z} does not exist: Azure regions have zones 1, 2 and 3.`, 'Use zones between 1 and 3, such as [1, 2, 3].'));
  });
  for (const d of duplicates(zones, String)) {
    out.push(error('AKS_ZONES', ['aks', 'zones', d.index], `Zone ${d.item} is listed twice in aks.zones.`, 'List each zone once.'));
  }

  env.aks.nodePools.forEach((pool) => {
    const path = pool.path;
    if (pool.min > pool.max) {
      out.push(error('NODEPOOL_MIN_MAX', [...path, 'min'], `Node pool ${pool.name} has min ${pool.min} above max ${pool.max}.`, `Set ${path.join('.')}.max to at least ${pool.min}, or lower min.`));
    }
    const unsupported = pool.taints.filter((t) => t !== 'CriticalAddonsOnly=true:NoSchedule');
    if (pool.name === 'system' && unsupported.length > 0) {
      out.push(error('NODEPOOL_SYSTEM_TAINTS', [...path, 'taints'], `The system node pool supports only the taint CriticalAddonsOnly=true:NoSchedule, not ${unsupported.join(', ')}.`, 'Remove the taint, or put the workloads that need it on the apps or data pool.'));
    }
    if (pool.name === 'system' && pool.min < 1) {
      out.push(error('NODEPOOL_MIN_MAX', [...path, 'min'], 'The system node pool needs at least one node; AKS does not scale it to zero.', 'Set aks.nodePools.system.min to 1 or more.'));
    }
  });
  // Defender for Containers reports into a workspace (azurerm microsoft_defender.log_analytics_workspace_id is required).
  if (env.aks.defender && !env.aks.logAnalytics.enabled) {
    out.push(error('AKS_DEFENDER_WORKSPACE', ['aks', 'defender', 'enabled'], 'aks.defender is on while aks.logAnalytics.enabled is false: Defender for Containers reports into the Log Analytics workspace of the environment.', 'Turn aks.logAnalytics back on, or turn aks.defender off.'));
  }
  return out;
}
