// What a first apply needs from the subscription: vCPU quota per VM family and in the region, at
// the pools' minimum and maximum node counts and during an upgrade, when every pool surges by its
// max_surge (33% in the aks module, rounded up per pool: AKS "Customize node surge upgrade").
import { REGIONAL_QUOTA, SPOT_QUOTA, VM_SIZES } from '../../schema/vm-sizes.ts';
import type { Environment } from '../model/environment.ts';

/** The aks module's upgrade_settings.max_surge on every pool. */
export const MAX_SURGE = 0.33;

export interface PoolNeed {
  readonly pool: string;
  readonly vmSize: string;
  readonly vcpusPerNode: number;
  /** The family quota, or lowPriorityCores for a spot pool. */
  readonly quota: string;
  readonly spot: boolean;
  readonly min: number;
  readonly max: number;
  /** Extra nodes an upgrade adds at the maximum count. */
  readonly surge: number;
}

export interface QuotaNeed {
  /** az vm list-usage name.value: a family, or "cores" for the regional total. */
  readonly quota: string;
  readonly atMin: number;
  readonly atMax: number;
  /** At the maximum count during an upgrade. */
  readonly upgrading: number;
}

export interface Preflight {
  readonly environment: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly pools: readonly PoolNeed[];
  /** Per family, then the regional total of regular VMs, then lowPriorityCores when a pool is spot. */
  readonly quotas: readonly QuotaNeed[];
  /** az commands that check, on the real subscription, what the plan assumes. */
  readonly commands: readonly string[];
}

export function preflight(env: Environment): Preflight {
  const pools = env.aks.nodePools.map((p): PoolNeed => {
    const size = VM_SIZES.get(p.vmSize);
    if (!size) throw new Error(`The VM size ${p.vmSize} is not in schema/vm-sizes.ts, which the schema enforces.`);
    // Spot VMs draw on their own regional quota, and spot pools upgrade without surge nodes (AKS
    // spot-node-pool: "There are no surge nodes available for Spot node pool upgrades").
    const spot = p.spot !== null;
    return { pool: p.name, vmSize: p.vmSize, vcpusPerNode: size.vcpus, quota: spot ? SPOT_QUOTA : size.quota, spot, min: p.min, max: p.max, surge: spot ? 0 : Math.ceil(p.max * MAX_SURGE) };
  });
  // The regional total "cores" counts regular VMs only; lowPriorityCores is a total of its own.
  const sum = (quota: string | undefined) => {
    const of = pools.filter((p) => (quota === undefined ? !p.spot : p.quota === quota));
    const vcpus = (nodes: (p: PoolNeed) => number) => of.reduce((n, p) => n + nodes(p) * p.vcpusPerNode, 0);
    return { quota: quota ?? REGIONAL_QUOTA, atMin: vcpus((p) => p.min), atMax: vcpus((p) => p.max), upgrading: vcpus((p) => p.max + p.surge) };
  };
  const families = [...new Set(pools.filter((p) => !p.spot).map((p) => p.quota))].sort();
  const spotQuota = pools.some((p) => p.spot) ? [sum(SPOT_QUOTA)] : [];
  return {
    environment: env.name,
    subscriptionId: env.azure.subscriptionId,
    location: env.azure.location,
    pools,
    quotas: [...families.map((f) => sum(f)), sum(undefined), ...spotQuota],
    commands: checkCommands(env, [...families, ...spotQuota.map((q) => q.quota)], [...new Set(pools.map((p) => p.vmSize))].sort()),
  };
}

function checkCommands(env: Environment, families: readonly string[], sizes: readonly string[]): string[] {
  const location = env.azure.location;
  const quotaNames = [...families, REGIONAL_QUOTA].map((q) => `name.value=='${q}'`).join(' || ');
  return [
    `az account set --subscription ${env.azure.subscriptionId}`,
    // Used and limit per family and in the region; request more in the portal (Quotas) if limit - used is below the need.
    `az vm list-usage --location ${location} --query "[?${quotaNames}].{quota:name.value, used:currentValue, limit:limit}" --output table`,
    // A size may be unavailable in the region or in some of its zones for this subscription (Restrictions column).
    ...sizes.map((size) => `az vm list-skus --location ${location} --size ${size} --all --output table`),
    // The version must be listed (and not only under LTS) in the region.
    `az aks get-versions --location ${location} --output table`,
    // The server SKU and, with high availability, the zones it is offered in.
    `az postgres flexible-server list-skus --location ${location} --output table`,
    // Registered by the stacks (resource_providers_to_register) when the deployer may register providers.
    'az provider show --namespace Microsoft.KubernetesConfiguration --query registrationState --output tsv',
  ];
}
