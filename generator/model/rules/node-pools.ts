import { VM_SIZES } from '../../../schema/vm-sizes.ts';
import type { Environment, NodePool } from '../environment.ts';
import { duplicates, error, type Finding } from './rule.ts';

/** AKS's limit on pods per node with kubenet (AKS docs, configure-kubenet: "maximum of 110"). */
const KUBENET_MAX_PODS = 110;

const where = (pool: NodePool) => pool.path.join('.');

/**
 * What each pool asks of Azure: its own zones, a name that cannot clash with another pool's
 * rotation name, an ephemeral OS disk only where a temp disk holds it, a spot price Azure accepts,
 * pods per node the network plugin allows.
 */
export function nodePoolRules(env: Environment): Finding[] {
  const out: Finding[] = [];
  const pools = env.aks.nodePools;
  const clusterZones = env.aks.zones.join(',');
  for (const pool of pools) {
    // A pool on aks.zones is checked there (aks.ts); only a pool's own list is checked here.
    if (pool.zones.join(',') !== clusterZones) pool.zones.forEach((z, i) => {
      if (z < 1 || z > 3) out.push(error('AKS_ZONES', [...pool.path, 'zones', i], `Zone ${z} of ${where(pool)}.zones does not exist: Azure regions have zones 1, 2 and 3.`, 'Use zones between 1 and 3, such as [1, 2, 3].'));
    });
    if (pool.zones.join(',') !== clusterZones) for (const d of duplicates(pool.zones, String)) out.push(error('AKS_ZONES', [...pool.path, 'zones', d.index], `Zone ${d.item} is listed twice in ${where(pool)}.zones.`, 'List each zone once.'));
    if (pool.zones.length === 0 && clusterZones !== '') out.push(error('AKS_ZONES', [...pool.path, 'zones'], `${where(pool)}.zones is empty.`, 'List the zones of the pool, such as [1, 2, 3], or remove the field for aks.zones.'));

    if (pool.osDiskType === 'Ephemeral') {
      const size = VM_SIZES.get(pool.vmSize)!;
      if (size.tempDiskGiB === 0) {
        out.push(error('NODEPOOL_OS_DISK', [...pool.path, 'osDisk', 'type'], `${where(pool)} asks for an ephemeral OS disk on ${pool.vmSize}, which has no local temp disk to hold it.`, `Use a size with a temp disk (a v5 "d" size such as ${pool.vmSize.replace(/s_v\d$/, 'ds_v5')}), or set osDisk.type to Managed.`));
      } else if (pool.osDiskSizeGb !== null && pool.osDiskSizeGb > size.tempDiskGiB) {
        out.push(error('NODEPOOL_OS_DISK', [...pool.path, 'osDisk', 'sizeGb'], `${where(pool)}.osDisk.sizeGb ${pool.osDiskSizeGb} does not fit the ${size.tempDiskGiB} GiB temp disk of ${pool.vmSize} an ephemeral OS disk lives on.`, `Set osDisk.sizeGb to ${size.tempDiskGiB} or less, or pick a larger size.`));
      }
    }

    // Azure takes -1 (up to the pay-as-you-go price) or a positive price with at most 5 decimals.
    if (pool.spot && pool.spot.maxPrice !== -1 && (pool.spot.maxPrice <= 0 || Math.round(pool.spot.maxPrice * 1e5) !== pool.spot.maxPrice * 1e5)) {
      out.push(error('NODEPOOL_SPOT_PRICE', [...pool.path, 'spot', 'maxPrice'], `${where(pool)}.spot.maxPrice ${pool.spot.maxPrice} is not a price Azure accepts: -1, or more than 0 with at most 5 decimals.`, 'Set maxPrice to -1 (evicted only for capacity) or a price in US dollars per hour such as 0.05.'));
    }

    if (pool.maxPods !== null && env.aks.network.plugin === 'kubenet' && pool.maxPods > KUBENET_MAX_PODS) {
      out.push(error('NODEPOOL_MAX_PODS', [...pool.path, 'maxPods'], `${where(pool)}.maxPods ${pool.maxPods} is above ${KUBENET_MAX_PODS}, the most kubenet allows per node.`, `Set maxPods to ${KUBENET_MAX_PODS} or less, or use the azure plugin.`));
    }
  }

  for (const pool of pools.filter((p) => p.path.includes('extra'))) {
    if (['system', 'apps', 'data'].includes(pool.name)) {
      out.push(error('NODEPOOL_NAME', pool.path, `aks.nodePools.extra.${pool.name} takes the name of Slipway's ${pool.name} pool.`, `Set the ${pool.name} pool under aks.nodePools.${pool.name}, or give the extra pool another name.`));
    }
  }
  // The aks module rotates a pool through <first 8 characters>tmp (temporary_name_for_rotation): two names alike there would collide.
  for (const d of duplicates(pools, (p) => p.name.slice(0, 8))) {
    const first = pools[d.first]!;
    if (first.name === d.item.name) continue; // an extra pool named like a Slipway pool: reported above
    out.push(error('NODEPOOL_NAME', d.item.path, `Node pools ${first.name} and ${d.item.name} share their first 8 characters, so both would rotate through the temporary pool ${d.item.name.slice(0, 8)}tmp.`, 'Give pools names that differ within their first 8 characters.'));
  }
  return out;
}
