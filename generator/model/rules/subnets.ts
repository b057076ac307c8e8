import type { EnvironmentInput } from '../../../schema/environment.ts';
import type { Environment } from '../environment.ts';
import { SMALLEST_VNET_PREFIX_FOR_DEFAULT_SUBNETS } from '../normalize.ts';
import { contains, overlaps, parseCidr, type Range } from './ipv4.ts';
import { error, type Finding } from './rule.ts';

interface Subnet {
  readonly key: 'aks' | 'postgresql' | 'pods';
  readonly cidr: string;
  readonly range: Range;
  /** Not in the file: normalize derived it from network.vnetCidr (defaultSubnets). */
  readonly derived: boolean;
}

const VNET_PATH = ['network', 'vnetCidr'] as const;

/** A subnet as the user knows it: the field they wrote, or the default they did not write. */
const describe = (s: Subnet) => (s.derived ? `the default subnet derived from network.vnetCidr for ${s.key} (${s.cidr})` : `network.subnets.${s.key} (${s.cidr})`);

/** The subnets lie inside the VNet and apart; a VNet too small for default subnets is named as the cause. */
export function subnetRules(env: Environment, input: EnvironmentInput): Finding[] {
  const n = env.network;
  const vnet = parseCidr(n.vnetCidr);
  const subnets = (
    [
      ['aks', n.aksSubnet],
      ['postgresql', n.postgresqlSubnet],
    ] as const
  ).map(([key, cidr]): Subnet => ({ key, cidr, range: parseCidr(cidr), derived: input.network?.subnets?.[key] === undefined }));

  // The pod subnet is never derived: it exists only when the file gives it.
  const pods: Subnet | null = n.podSubnet === null ? null : { key: 'pods', cidr: n.podSubnet, range: parseCidr(n.podSubnet), derived: false };
  const vnetGiven = input.network?.vnetCidr !== undefined;
  const derived = subnets.filter((s) => s.derived);
  const written = [...subnets.filter((s) => !s.derived), ...(pods ? [pods] : [])];
  // Derived subnets lie inside the VNet and apart by construction; only written ones can stray.
  const out: Finding[] = written
    .filter((s) => !contains(vnet, s.range))
    .map((s) =>
      error(
        'SUBNET_OUTSIDE_VNET',
        ['network', 'subnets', s.key],
        `Subnet network.subnets.${s.key} (${s.cidr}) lies outside the ${vnetGiven ? 'VNet' : 'default VNet'} ${n.vnetCidr}${vnetGiven ? '' : ' (network.vnetCidr is not set)'}.`,
        vnetGiven ? `Pick a range inside ${n.vnetCidr} or widen network.vnetCidr.` : `Pick a range inside ${n.vnetCidr}, or set network.vnetCidr to the address space that holds your subnets.`,
      ),
    );

  if (derived.length > 0 && vnet.prefix > SMALLEST_VNET_PREFIX_FOR_DEFAULT_SUBNETS) {
    const fields = derived.map((s) => `network.subnets.${s.key}`).join(' and ');
    // The blocks derived from such a VNet mean nothing, so they are not compared with anything.
    out.push(
      error(
        'VNET_TOO_SMALL',
        VNET_PATH,
        `network.vnetCidr ${n.vnetCidr} is too small to derive ${fields} from: default subnets need a VNet of /${SMALLEST_VNET_PREFIX_FOR_DEFAULT_SUBNETS} or larger, so the node pools have room to scale and surge.`,
        `Widen network.vnetCidr to a /${SMALLEST_VNET_PREFIX_FOR_DEFAULT_SUBNETS} or larger (a /16 leaves room to grow), or set ${fields} yourself.`,
      ),
    );
    return out;
  }

  const [aks, pg] = subnets as [Subnet, Subnet];
  if (overlaps(aks.range, pg.range)) {
    // Both written: at postgresql, as before. One derived: at network.vnetCidr, where the default comes from.
    const origin = derived[0];
    const mine = written[0]!;
    out.push(
      error(
        'SUBNET_OVERLAP',
        origin ? VNET_PATH : ['network', 'subnets', 'postgresql'],
        `Subnets ${describe(aks)} and ${describe(pg)} overlap.`,
        origin
          ? `Set network.subnets.${origin.key} to a free range inside ${n.vnetCidr}, or move network.subnets.${mine.key} out of ${origin.cidr}.`
          : 'Give each subnet its own range inside the VNet.',
      ),
    );
  }
  // The pod subnet against the node and database subnets: the file wrote it, so it is what moves.
  if (pods && contains(vnet, pods.range)) {
    for (const other of [aks, pg].filter((s) => overlaps(s.range, pods.range))) {
      out.push(error('SUBNET_OVERLAP', ['network', 'subnets', 'pods'], `Subnets network.subnets.pods (${pods.cidr}) and ${describe(other)} overlap.`, `Move network.subnets.pods to a free range inside ${n.vnetCidr}.`));
    }
  }
  return out;
}
