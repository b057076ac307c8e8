// The VM sizes a node pool may use, with what quota they draw on. Azure counts vCPU quota per VM
// family and region ("az vm list-usage": name.value such as standardDDSv5Family, next to the
// regional total "cores"); a new subscription starts with about 10 per family, which one prod
// cluster exceeds. The schema accepts only these sizes, so preflight can add up every family.
// General-purpose and memory-optimized families AKS supports with premium storage and temp disk
// variants (Azure VM size docs, "Dv5 and Dsv5", "Ddv5 and Ddsv5", "Dasv5", "Esv5", "Edsv5", ...).
// The v5 "d" sizes have a local temp disk of 75 GiB per 2 vCPUs (Ddsv5: Standard_D2ds_v5 75 GiB up
// to Standard_D96ds_v5 3600 GiB; the same in Dadsv5, Edsv5, Eadsv5) where AKS can place an
// ephemeral OS disk (AKS concepts-storage, "Ephemeral OS disk": it must fit the cache or temp disk).

interface Family {
  /** As quota names it in az vm list-usage. */
  readonly quota: string;
  /** Size name for a vCPU count. */
  readonly name: (vcpus: number) => string;
  readonly vcpus: readonly number[];
  /** GiB of local temp disk per vCPU, where an ephemeral OS disk can live; 0: none Slipway places one on. */
  readonly tempDiskPerVcpu: number;
}

const family = (quota: string, name: (n: number) => string, vcpus: readonly number[], tempDiskPerVcpu = 0): Family => ({ quota, name, vcpus, tempDiskPerVcpu });
const DV5 = [2, 4, 8, 16, 32, 48, 64, 96];

const FAMILIES: readonly Family[] = [
  family('standardDSv5Family', (n) => `Standard_D${n}s_v5`, DV5),
  family('standardDDSv5Family', (n) => `Standard_D${n}ds_v5`, DV5, 37.5),
  family('standardDASv5Family', (n) => `Standard_D${n}as_v5`, DV5),
  family('standardDADSv5Family', (n) => `Standard_D${n}ads_v5`, DV5, 37.5),
  family('standardESv5Family', (n) => `Standard_E${n}s_v5`, DV5),
  family('standardEDSv5Family', (n) => `Standard_E${n}ds_v5`, DV5, 37.5),
  family('standardEASv5Family', (n) => `Standard_E${n}as_v5`, DV5),
  family('standardEADSv5Family', (n) => `Standard_E${n}ads_v5`, DV5, 37.5),
  family('standardFSv2Family', (n) => `Standard_F${n}s_v2`, [2, 4, 8, 16, 32, 48, 64, 72]),
  family('standardDSv6Family', (n) => `Standard_D${n}s_v6`, [2, 4, 8, 16, 32, 48, 64, 96, 128]),
  family('standardDDSv6Family', (n) => `Standard_D${n}ds_v6`, [2, 4, 8, 16, 32, 48, 64, 96, 128]),
  family('standardESv6Family', (n) => `Standard_E${n}s_v6`, [2, 4, 8, 16, 20, 32, 48, 64, 96, 128]),
  family('standardEDSv6Family', (n) => `Standard_E${n}ds_v6`, [2, 4, 8, 16, 20, 32, 48, 64, 96, 128]),
];

export interface VmSize {
  readonly name: string;
  readonly vcpus: number;
  /** The family quota it draws on (az vm list-usage name.value). */
  readonly quota: string;
  /** Local temp disk in GiB, where AKS puts an ephemeral OS disk; 0 when the size has none Slipway uses. */
  readonly tempDiskGiB: number;
}

export const VM_SIZES: ReadonlyMap<string, VmSize> = new Map(
  FAMILIES.flatMap((f) => f.vcpus.map((vcpus): [string, VmSize] => [f.name(vcpus), { name: f.name(vcpus), vcpus, quota: f.quota, tempDiskGiB: f.tempDiskPerVcpu * vcpus }])),
);

/** Every accepted size, sorted: the schema's enum. */
export const vmSizeNames = [...VM_SIZES.keys()].sort() as [string, ...string[]];

/** The regional total every family also counts against. */
export const REGIONAL_QUOTA = 'cores';

/**
 * Spot VMs draw on neither their family's quota nor "cores" but on one regional quota of their own
 * (Azure docs, spot-vms "Quota": "Spot VMs have a separate quota pool", az vm list-usage
 * name.value lowPriorityCores).
 */
export const SPOT_QUOTA = 'lowPriorityCores';
