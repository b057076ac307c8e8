// Rules between environments: what one environment file says about another's resources.
import { servedHosts } from '../../catalog/index.ts';
import type { Environment } from '../environment.ts';
import { error, warning, type Finding } from './rule.ts';
import { dnsExistingFleetRules } from './dns-existing.ts';
import { createdResourceGroups, resourceGroupField } from './name-conflicts.ts';

/** A finding about one environment of the fleet. */
export interface FleetFinding {
  readonly environment: Environment;
  readonly finding: Finding;
}

export function fleetRules(environments: readonly Environment[]): FleetFinding[] {
  return [
    ...duplicateZones(environments),
    ...dnsExistingFleetRules(environments),
    ...parentZoneOwners(environments),
    ...gitCredentials(environments),
    ...hstsSubdomains(environments),
    ...duplicateStateKeys(environments),
    ...duplicateKubeContexts(environments),
    ...duplicateResourceGroups(environments),
  ];
}

/** Two environments never manage one DNS zone. */
function duplicateZones(environments: readonly Environment[]): FleetFinding[] {
  const owner = new Map<string, Environment>();
  const out: FleetFinding[] = [];
  for (const env of environments) {
    // One creating the zone and another taking it as existing is DNS_EXISTING_OWNER, said more precisely.
    const key = `${env.dns.mode} ${env.dns.zone}`;
    const first = owner.get(key);
    if (!first) {
      owner.set(key, env);
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

/** The first environment of the fleet with the same key, for each later one. */
function firstWith(environments: readonly Environment[], key: (env: Environment) => string): Array<{ env: Environment; first: Environment }> {
  const seen = new Map<string, Environment>();
  return environments.flatMap((env) => {
    const k = key(env);
    const first = seen.get(k);
    if (!first) seen.set(k, env);
    return first ? [{ env, first }] : [];
  });
}

/** Two environments never keep their state in one place: each stack's blob <stateKey>/<stack>.tfstate would be the other's. */
function duplicateStateKeys(environments: readonly Environment[]): FleetFinding[] {
  return firstWith(environments, (e) => `${e.state.storageAccount.toLowerCase()}/${e.state.container}/${e.names.stateKey}`).map(({ env, first }) => ({
    environment: env,
    finding: error(
      'FLEET_DUPLICATE_STATE_KEY',
      env.names.given.includes('stateKey') ? ['azure', 'names', 'stateKey'] : ['name'],
      `${env.name} keeps its Terraform state under ${env.names.stateKey}/ in ${env.state.storageAccount}/${env.state.container}, where ${first.name} (${first.source}) keeps its own: each would plan against and overwrite the other's stacks.`,
      `Give azure.names.stateKey in ${env.source} a value of its own, such as ${env.name} (the default).`,
    ),
  }));
}

/** helmDefaults.kubeContext guards against deploying to the wrong cluster only when every environment has its own. */
function duplicateKubeContexts(environments: readonly Environment[]): FleetFinding[] {
  return firstWith(environments, (e) => e.aks.kubeContext).map(({ env, first }) => ({
    environment: env,
    finding: error(
      'FLEET_DUPLICATE_KUBE_CONTEXT',
      env.aks.kubeContext !== env.names.cluster ? ['aks', 'kubeContext'] : env.names.given.includes('cluster') ? ['azure', 'names', 'cluster'] : ['name'],
      `${env.name} deploys with helmfile to kubeconfig context ${env.aks.kubeContext}, which ${first.name} (${first.source}) uses as well: one kubeconfig cannot hold both clusters under one name, so helmfile would deploy one environment into the other's cluster.`,
      `Set aks.kubeContext in ${env.source} to the context of its own cluster, such as ${env.names.cluster === first.names.cluster ? `aks-${env.name}` : env.names.cluster}.`,
    ),
  }));
}

/** Resource groups an environment creates are its own: another environment in the subscription creating one of the same name would own (and delete) it too. */
function duplicateResourceGroups(environments: readonly Environment[]): FleetFinding[] {
  const owner = new Map<string, { env: Environment; field: string }>();
  const out: FleetFinding[] = [];
  for (const env of environments) {
    // The state group may be shared on purpose (one state account per team); its stack adopts it.
    for (const g of createdResourceGroups(env).filter((r) => r.field !== 'state')) {
      const key = `${env.azure.subscriptionId.toLowerCase()}/${g.name.toLowerCase()}`;
      const first = owner.get(key);
      if (!first) {
        owner.set(key, { env, field: g.field });
        continue;
      }
      if (first.env === env) continue; // within one environment: AZURE_NAME_CONFLICT
      const at = resourceGroupField(env, g.field);
      out.push({
        environment: env,
        finding: error(
          'FLEET_DUPLICATE_RESOURCE_GROUP',
          at.path,
          `${at.label} of ${env.name} is ${g.name}, which ${first.env.name} (${first.env.source}) also creates in subscription ${env.azure.subscriptionId}: both environments' stacks would own it, and destroying one would delete the other's resources.`,
          `Give ${at.label} in ${env.source} a name of its own, such as rg-${env.name}${g.field === 'resourceGroup' ? '' : `-${g.field.replace(/ResourceGroup$/, '').toLowerCase()}`}.`,
        ),
      });
    }
  }
  return out;
}
