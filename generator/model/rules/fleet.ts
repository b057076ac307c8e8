// Rules between environments: what one environment file says about another's resources.
import { servedHosts } from '../../catalog/index.ts';
import type { Environment } from '../environment.ts';
import { error, warning, type Finding } from './rule.ts';

/** A finding about one environment of the fleet. */
export interface FleetFinding {
  readonly environment: Environment;
  readonly finding: Finding;
}

export function fleetRules(environments: readonly Environment[]): FleetFinding[] {
  return [...duplicateZones(environments), ...parentZoneOwners(environments), ...gitCredentials(environments), ...hstsSubdomains(environments)];
}

/** Two environments never manage one DNS zone. */
function duplicateZones(environments: readonly Environment[]): FleetFinding[] {
  const owner = new Map<string, Environment>();
  const out: FleetFinding[] = [];
  for (const env of environments) {
    const first = owner.get(env.dns.zone);
    if (!first) {
      owner.set(env.dns.zone, env);
      continue;
    }
    out.push({
      environment: env,
      finding: error('FLEET_DUPLICATE_ZONE', ['dns', 'zone'], `DNS zone ${env.dns.zone} is also managed by environment ${first.name} (${first.source}).`, 'Give each environment its own zone, for example a subdomain per environment.'),
    });
  }
  return out;
}

/**
 * When another environment manages the parent zone, the delegation must point at where that
 * environment creates it: its DNS resource group, in its subscription. Its dns stack is applied first.
 */
function parentZoneOwners(environments: readonly Environment[]): FleetFinding[] {
  return environments.flatMap((env): FleetFinding[] => {
    const parent = env.dns.parent;
    const owner = parent && environments.find((e) => e !== env && e.dns.zone === parent.zone);
    if (!parent || !owner) return [];
    const out: FleetFinding[] = [];
    const where = `Environment ${owner.name} (${owner.source}) manages the parent zone ${parent.zone}`;
    if (parent.resourceGroup !== owner.names.dnsResourceGroup) {
      out.push({
        environment: env,
        finding: error('DNS_PARENT_OWNER', ['dns', 'parent', 'resourceGroup'], `${where} in resource group ${owner.names.dnsResourceGroup}, not ${parent.resourceGroup}: the NS delegation would not find it.`, `Set dns.parent.resourceGroup to ${owner.names.dnsResourceGroup}, and apply ${owner.name}'s dns stack first.`),
      });
    }
    if (parent.subscriptionId !== owner.azure.subscriptionId) {
      out.push({
        environment: env,
        finding: error('DNS_PARENT_OWNER', ['dns', 'parent', 'subscriptionId'], `${where} in subscription ${owner.azure.subscriptionId}, not ${parent.subscriptionId}.`, `Set dns.parent.subscriptionId to ${owner.azure.subscriptionId}.`),
      });
    }
    return out;
  });
}

/**
 * A repository as Flux reaches it, for comparing URLs: scheme (https or ssh), host in lower case, path
 * without a trailing slash or .git. git@host:path is ssh. Credentials in the URL are left out.
 */
export function repositoryKey(url: string): string {
  const scp = /^([^@/:]+@)?([^:/]+):(?!\/\/)(.*)$/.exec(url);
  const [scheme, host, path] = scp
    ? ['ssh', scp[2]!, scp[3]!]
    : (() => {
        const m = /^([a-z]+):\/\/(?:[^@/]*@)?([^/:]+)(?::\d+)?\/?(.*)$/i.exec(url);
        return m ? [m[1]!.toLowerCase(), m[2]!, m[3]!] : ['', '', url];
      })();
  return `${scheme}://${host.toLowerCase()}/${path.replace(/\/+$/, '').replace(/\.git$/, '').replace(/\/+$/, '')}`;
}

/**
 * One repository, one kind of access: a URL that one environment reads with a credentials Secret
 * (gitops.secretName) is private, so an environment reading it without one never clones it.
 */
function gitCredentials(environments: readonly Environment[]): FleetFinding[] {
  const byRepository = new Map<string, Environment[]>();
  for (const env of environments) byRepository.set(repositoryKey(env.gitops.repository), [...(byRepository.get(repositoryKey(env.gitops.repository)) ?? []), env]);
  return [...byRepository.values()].flatMap((group) => {
    const withCredentials = group.filter((e) => e.gitops.secretName !== null);
    if (withCredentials.length === 0) return [];
    const named = joinAnd(withCredentials.map((e) => `${e.name} (${e.source}, gitops.secretName ${e.gitops.secretName})`));
    return group
      .filter((e) => e.gitops.secretName === null)
      .map((env) => ({
        environment: env,
        finding: error(
          'FLEET_GIT_CREDENTIALS',
          ['gitops', 'repository'],
          `gitops.repository ${env.gitops.repository} is read with credentials by ${named}, so it is private, but ${env.name} (${env.source}) reads it without gitops.secretName: its Flux cannot clone the repository and never applies anything.`,
          `Set gitops.secretName in ${env.source} (a Secret in flux-system with the credentials, created out of band), or remove gitops.secretName from ${joinAnd(withCredentials.map((e) => e.source))} if the repository is public.`,
        ),
      }));
  });
}

/** "a, b and c" for messages. */
const joinAnd = (items: readonly string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** host lies below name. */
const under = (host: string, name: string) => host.endsWith(`.${name}`);

/**
 * HSTS with includeSubDomains from one environment's hosts covers every name below them (RFC 6797
 * 6.1.2): a browser that visited the one refuses plain HTTP and untrusted certificates (Let's Encrypt
 * staging) on another environment's hosts below, with no way to click through.
 */
function hstsSubdomains(environments: readonly Environment[]): FleetFinding[] {
  return environments.flatMap((env): FleetFinding[] => {
    if (!env.releases.ingressNginx.hsts.includeSubDomains) return [];
    const { apps, platform } = servedHosts(env);
    const mine = [...apps, ...platform].map((h) => h.host);
    return environments.flatMap((other): FleetFinding[] => {
      if (other === env) return [];
      const theirs = [...servedHosts(other).apps, ...servedHosts(other).platform].map((h) => h.host);
      const zoneBelow = mine.some((m) => under(other.dns.zone, m) || other.dns.zone === m);
      const hostsBelow = [...new Set(theirs.filter((h) => mine.some((m) => under(h, m))))].sort();
      if (!zoneBelow && hostsBelow.length === 0) return [];
      const senders = [...new Set(mine.filter((m) => hostsBelow.some((h) => under(h, m)) || under(other.dns.zone, m) || other.dns.zone === m))].sort();
      const below = [...(zoneBelow ? [`its zone ${other.dns.zone}`] : []), ...(hostsBelow.length ? [`the hosts ${joinAnd(hostsBelow)}`] : [])].join(' with ');
      return [
        {
          environment: env,
          finding: warning(
            'FLEET_HSTS_SUBDOMAINS',
            ['releases', 'ingressNginx', 'hsts', 'includeSubDomains'],
            `${env.name} (${env.source}) sends HSTS with includeSubDomains from ${joinAnd(senders)}, and ${other.name} (${other.source}) has ${below} below: a browser that visited ${env.name} refuses ${other.name}'s plain-HTTP answers and untrusted certificates (such as Let's Encrypt staging) there for ${env.releases.ingressNginx.hsts.maxAge} seconds, with no click-through.`,
            `Set releases.ingressNginx.hsts.includeSubDomains to false in ${env.source} (the default), or move ${other.name} out from under ${joinAnd(senders)}.`,
          ),
        },
      ];
    });
  });
}
