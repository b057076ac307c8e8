import { z } from 'zod';
import { cidr, clockTime, guid, ipv4, labels, weekday } from './common.ts';
import { vmSizeNames } from './vm-sizes.ts';

export const nodePoolNames = ['system', 'apps', 'data'] as const;
export type NodePoolName = (typeof nodePoolNames)[number];

const taint = z
  .string()
  .regex(/^[A-Za-z0-9][-\w./]*=[-\w.]*:(NoSchedule|PreferNoSchedule|NoExecute)$/, 'Use a taint such as workload=data:NoSchedule.');

const nodePool = z.strictObject({
  vmSize: z
    .enum(vmSizeNames)
    .optional()
    .describe('VM size, from the D, E and F families AKS runs on premium storage (slipway preflight adds up the vCPU quota each family needs). Default: Standard_D4ds_v5.'),
  min: z.int().min(0).max(1000).optional().describe('Autoscaler minimum node count.'),
  max: z.int().min(1).max(1000).optional().describe('Autoscaler maximum node count.'),
  labels: labels.optional().describe('Kubernetes node labels, added to the Slipway defaults.'),
  taints: z.array(taint).optional().describe('Node taints. Replaces the default taints of this pool when given.'),
});

export const aksSchema = z
  .strictObject({
    kubernetesVersion: z
      .string()
      .regex(/^1\.\d{2}(\.\d+)?$/, 'Use a Kubernetes minor version such as "1.33" (quoted).')
      .describe('Kubernetes version, e.g. "1.33" (quote it: YAML reads 1.30 as a number).'),
    tier: z.enum(['Free', 'Standard', 'Premium']).optional().describe('AKS pricing tier. Default: Standard in prod (uptime SLA), Free otherwise.'),
    zones: z.array(z.int()).optional().describe('Availability zones (1-3) for every node pool. Default: [1, 2, 3] in prod, [1] otherwise.'),
    nodePools: z
      .strictObject({
        system: nodePool.optional().describe('System pool: CriticalAddonsOnly. Default: 2-3 nodes in prod, 1-2 otherwise.'),
        apps: nodePool.optional().describe('Pool for Postfacto web pods and platform add-ons. Default: 2-6 nodes in prod, 1-3 otherwise.'),
        data: nodePool.optional().describe('Pool for Redis, tainted workload=data:NoSchedule. Default: 2-3 nodes in prod, 1-2 otherwise.'),
      })
      .optional(),
    network: z
      .strictObject({
        plugin: z.enum(['azure', 'kubenet']).optional().describe('Network plugin. Default: azure.'),
        mode: z.enum(['overlay']).optional().describe('Network plugin mode (Azure CNI overlay). Default: overlay with the azure plugin.'),
        policy: z.enum(['cilium', 'azure', 'calico']).optional().describe('Network policy engine. Default: cilium (Azure CNI powered by Cilium).'),
        podCidr: cidr.optional().describe('Pod address range (overlay). Default: 192.168.0.0/16.'),
        serviceCidr: cidr.optional().describe('Service address range. Default: 172.16.0.0/16.'),
        dnsServiceIp: ipv4.optional().describe('Cluster DNS service IP inside the service range. Default: 172.16.0.10.'),
      })
      .optional(),
    apiServer: z
      .strictObject({
        authorizedRanges: z.array(cidr).min(1, 'List at least one CIDR allowed to reach the API server.').describe('CIDRs allowed to reach the API server.'),
      })
      .describe('API server access: restricted to authorized ranges.'),
    adminGroupObjectIds: z.array(guid).min(1, 'List at least one Entra ID group as cluster admins.').describe('Entra ID groups that are cluster admins (Azure RBAC).'),
    logAnalytics: z
      .strictObject({
        enabled: z.boolean().optional().describe('Send container insights to Log Analytics. Default: true.'),
        retentionDays: z.int().min(30).max(730).optional().describe('Workspace retention in days (30-730). Default: 30.'),
      })
      .optional(),
    upgradeChannel: z
      .enum(['none', 'patch', 'stable', 'rapid', 'node-image'])
      .optional()
      .describe(
        'Automatic upgrade channel. patch (default): AKS applies patches in the maintenance window; a minor upgrade is a change of kubernetesVersion (the minor only, such as "1.36"). stable/rapid: AKS also moves minor versions and owns the version (Terraform passes none; kubernetesVersion is what Slipway renders and checks for). none/node-image: Terraform sets the exact version. Default: patch.',
      ),
    maintenanceWindow: z
      .strictObject({
        day: weekday.describe('Day of the weekly window.'),
        startTime: clockTime.describe('Start, HH:mm.'),
        durationHours: z.int().min(4).max(24).optional().describe('Length in hours (4-24). Default: 4.'),
        utcOffset: z.string().regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, 'Use an offset such as +00:00 or -05:00.').optional().describe('UTC offset. Default: +00:00.'),
      })
      .optional()
      .describe('Weekly window for automatic upgrades. Default: Sunday 00:00 UTC, 4 hours.'),
  })
  .describe('AKS cluster.');
