import { preflight, type Preflight } from '../preflight/quota.ts';
import { oneOf, parse } from './args.ts';
import type { Command } from './command.ts';
import { validEnvironments } from './valid-environments.ts';

export const preflightCommand: Command = {
  name: 'preflight',
  usage: `Usage: slipway preflight [--env NAME] [--format text|json]

Prints what a first "terraform apply" needs from each environment's subscription, before it
fails half-way: the vCPU quota per VM family and in the region at the node pools' minimum and
maximum counts and during an upgrade (every regular pool surges by 33%; spot pools draw on the
regional lowPriorityCores quota and do not surge), and the az commands that check
quota, VM size and zone availability, the Kubernetes version, the PostgreSQL SKU and the Flux
resource provider there. It reads nothing from Azure itself.

Options:
  --env NAME             Only this environment.
  --format text|json     Output format (default: text).
  -h, --help             Show this help.

Exit codes: 0 printed, 1 invalid environment files, 2 usage error.`,
  run(args, io) {
    const { values } = parse(args, { env: { type: 'string' }, format: { type: 'string' } });
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const format = oneOf(values.format as string | undefined, ['text', 'json'], '--format', 'text');
    const environments = validEnvironments(io, values.env as string | undefined);
    if (environments === 1) return 1;
    const reports = environments.selected.map(preflight);
    io.stdout.write(format === 'json' ? `${JSON.stringify(reports, null, 2)}\n` : reports.map(text).join('\n'));
    return 0;
  },
};

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd()).join('\n');
}

function text(p: Preflight): string {
  const pools = table([['pool', 'size', 'vCPUs/node', 'nodes', 'upgrade surge'], ...p.pools.map((n) => [n.spot ? `${n.pool} (spot)` : n.pool, n.vmSize, String(n.vcpusPerNode), `${n.min}-${n.max}`, `+${n.surge}`])]);
  const quotas = table([['quota', '', 'vCPUs at min', 'at max', 'upgrading at max'], ...p.quotas.map((q) => [q.quota, '', String(q.atMin), String(q.atMax), String(q.upgrading)])]);
  return `${p.environment} (subscription ${p.subscriptionId}, ${p.location})
${pools}

${quotas}

  Check on the subscription (the limit minus what is used must cover "upgrading at max"):
${p.commands.map((c) => `    ${c}`).join('\n')}
`;
}
