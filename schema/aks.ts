import { z } from './zod.ts';
import { cidr, clockTime, dnsLabel, guid, ipv4, labels, weekday } from './common.ts';
import { vmSizeNames } from './vm-sizes.ts';

export const nodePoolNames = ['system', 'apps', 'data'] as const;
export type NodePoolName = (typeof nodePoolNames)[number];

const taint = z
  .string()
  .regex(/^[A-Za-z0-9][-\w./]*=[-\w.]*:(NoSchedule|PreferNoSchedule|NoExecute)$/, 'Use a taint such as workload=data:NoSchedule.');

const nodePoolFields = {
  vmSize: z
    .enum(vmSizeNames)
    .optional()
    .describe('VM size, from the D, E and F families AKS runs on premium storage (slipway preflight adds up the vCPU quota each family needs). Default: Standard_D4ds_v5.'),
  min: z.int().min(0).max(1000).optional().describe('Autoscaler minimum node count.'),
  max: z.int().min(1).max(1000).optional().describe('Autoscaler maximum node count.'),
  labels: labels.optional().describe('Kubernetes node labels, added to the Slipway defaults.'),
  taints: z.array(taint).optional().describe('Node taints. Replaces the default taints of this pool when given.'),
  zones: z.array(z.int()).optional().describe('Availability zones (1-3) of this pool. Default: aks.zones.'),
  osDisk: z
    .strictObject({
      sizeGb: z.int().min(30).max(2048).optional().describe("OS disk size in GB (30-2048). Default: AKS's (128 GB for a managed disk; an ephemeral disk fills what the size's temp disk holds)."),
      type: z
        .enum(['Managed', 'Ephemeral'])
        .optional()
        .describe('Managed (a remote premium disk) or Ephemeral (on the VM\'s local temp disk: faster, free, lost on reimage; needs a size with a temp disk, the "d" sizes such as Standard_D4ds_v5). Default: Managed.'),
    })
    .optional()
    .describe('OS disk of each node. Changing it rotates the pool onto new nodes.'),
  maxPods: z.int().min(10).max(250).optional().describe('Pods per node (10-250). Default: 250 with Azure CNI overlay, 30 with a pod subnet or kubenet (AKS defaults).'),
  osSku: z.enum(['AzureLinux', 'Ubuntu']).optional().describe('Node OS image. Default: AzureLinux.'),
};

const nodePool = z.strictObject(nodePoolFields);

/**
 * An extra pool may run on spot VMs. Not system (AKS refuses spot there), apps or data: the pods
 * Slipway puts on those do not tolerate the taint AKS gives spot nodes.
 */
const userNodePool = z.strictObject({
  ...nodePoolFields,
  spot: z
    .strictObject({
      evictionPolicy: z
        .enum(['Delete', 'Deallocate'])
        .optional()
        .describe('What Azure does with an evicted node: Delete (the autoscaler can replace it) or Deallocate (the disk stays and counts against quota). Default: Delete.'),
      maxPrice: z
        .number()
        .min(-1)
        .max(10000)
        .optional()
        .describe('Highest price per node and hour in US dollars, up to 5 decimals, or -1: up to the pay-as-you-go price, evicted only for capacity. Default: -1.'),
    })
    .optional()
    .describe(
      'Run this pool on spot VMs (scale set priority Spot): cheap, evicted whenever Azure needs the capacity. AKS taints spot nodes kubernetes.azure.com/scalesetpriority=spot:NoSchedule, so only pods that tolerate it land there; quota is the regional lowPriorityCores (slipway preflight counts it). Default: regular VMs.',
    ),
});

/** Names AKS accepts for a Linux pool: lowercase letters and digits, a letter first, at most 12. */
export const extraPoolName = z.string().regex(/^[a-z][a-z0-9]{0,11}$/, 'Use 1-12 lowercase letters and digits, starting with a letter, such as spot or batch.');

const minutes = z.string().regex(/^([1-9]\d{0,2})m$/, 'Use whole minutes such as 10m.');

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
        extra: z
          .record(extraPoolName, userNodePool)
          .optional()
          .describe('More user pools by name (such as spot or batch), labelled slipway.io/pool=<name>. Each needs min and max or takes 0-3 nodes. Default: none.'),
      })
      .optional(),
    network: z
      .strictObject({
        plugin: z.enum(['azure', 'kubenet']).optional().describe('Network plugin. Default: azure.'),
        mode: z
          .enum(['overlay', 'pod-subnet'])
          .optional()
          .describe(
            'How pods get addresses with the azure plugin: overlay (from aks.network.podCidr, outside the VNet; pods reach the VNet through their node) or pod-subnet (Azure CNI with dynamic IP allocation: pods take VNet addresses from network.subnets.pods and are reachable from peered and on-premises networks). Default: overlay with the azure plugin.',
          ),
        policy: z.enum(['cilium', 'azure', 'calico']).optional().describe('Network policy engine. Default: cilium (Azure CNI powered by Cilium).'),
        podCidr: cidr.optional().describe('Pod address range (overlay). Default: 192.168.0.0/16.'),
        serviceCidr: cidr.optional().describe('Service address range. Default: 172.16.0.0/16.'),
        dnsServiceIp: ipv4.optional().describe('Cluster DNS service IP inside the service range. Default: 172.16.0.10.'),
      })
      .optional(),
    autoscaler: z
      .strictObject({
        expander: z
          .enum(['random', 'least-waste', 'most-pods'])
          .optional()
          .describe('Which pool the cluster autoscaler grows when several could take the pending pods: random, least-waste (least idle CPU and memory afterwards) or most-pods. Default: random (AKS).'),
        balanceSimilarNodeGroups: z.boolean().optional().describe('Keep pools of the same size and labels at similar node counts (such as one pool per zone). Default: false.'),
        scaleDownDelayAfterAdd: minutes.optional().describe('How long after a scale-up the autoscaler waits before it considers removing nodes. Default: 10m.'),
        scaleDownUnneeded: minutes.optional().describe('How long a node must be unneeded before it is removed. Default: 10m.'),
        scaleDownUtilizationThreshold: z
          .number()
          .min(0.1)
          .max(1)
          .optional()
          .describe('A node whose pods request less than this share of its CPU and memory is unneeded (0.1-1). Default: 0.5.'),
      })
      .optional()
      .describe('Cluster autoscaler profile, for every autoscaled pool (AKS auto_scaler_profile).'),
    defender: z
      .strictObject({
        enabled: z
          .boolean()
          .describe('Microsoft Defender for Containers: runtime threat detection on the nodes, reporting into the Log Analytics workspace (aks.logAnalytics must be on). Billed per vCPU by Defender for Cloud.'),
      })
      .optional()
      .describe('Microsoft Defender for Containers sensor on the cluster. Default: off.'),
    apiServer: z
      .strictObject({
        authorizedRanges: z.array(cidr).min(1, 'List at least one CIDR allowed to reach the API server.').describe('CIDRs allowed to reach the API server.'),
      })
      .describe('API server access: restricted to authorized ranges.'),
    adminGroupObjectIds: z.array(guid).min(1, 'List at least one Entra ID group as cluster admins.').describe('Entra ID groups that are cluster admins (Azure RBAC).'),
    logAnalytics: z
      .strictObject({
        enabled: z
          .boolean()
          .optional()
          .describe('A Log Analytics workspace with Container Insights (the AKS monitoring add-on, the log collector of the cluster), the audit logs of the control plane and the key vault. Default: true.'),
        retentionDays: z.int().min(30).max(730).optional().describe('Workspace retention in days (30-730). Default: 30.'),
        containerLogs: z
          .boolean()
          .optional()
          .describe('Collect the stdout and stderr of every container into the ContainerLogV2 table (Container Insights, through the data collection rule of the aks stack). Default: true.'),
        tables: z
          .enum(['all', 'logs-and-events'])
          .optional()
          .describe(
            "What Container Insights collects: all (every standard table; the Insights views of the portal need them) or logs-and-events (ContainerLogV2, KubeEvents and KubePodInventory only, Azure's \"Logs and Events\" preset: Prometheus already has the metrics). Default: all.",
          ),
        namespaces: z
          .strictObject({
            mode: z.enum(['include', 'exclude']).describe('include: collect only from these namespaces; exclude: from every namespace but these.'),
            list: z.array(dnsLabel).min(1).max(100).describe('Namespaces, such as kube-system.'),
          })
          .optional()
          .describe("Namespace filter of the data collection rule (namespaceFilteringMode), for container logs, inventory and performance data. Default: every namespace."),
        interval: z
          .string()
          .regex(/^([1-9]|[12]\d|30)m$/, 'Use whole minutes from 1m to 30m, such as 5m.')
          .optional()
          .describe('How often Container Insights collects inventory and performance data (1m-30m). Default: 1m.'),
      })
      .optional()
      .describe('Log collection: Container Insights into a Log Analytics workspace of the environment.'),
    kubeContext: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9][-A-Za-z0-9_.@:]*$/, 'Use a kubeconfig context name such as aks-numbers-prod.')
      .optional()
      .describe(
        "kubeconfig context of this cluster, as az aks get-credentials names it (the cluster name, unless --context gave another). helmfile deploys only there (helmDefaults.kubeContext): a shell pointed at another cluster still deploys here, and a kubeconfig without the context refuses to deploy. Default: the cluster name.",
      ),
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
