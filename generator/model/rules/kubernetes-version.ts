import type { Environment } from '../environment.ts';
import { daysBetween, type Policy } from '../kubernetes-versions.ts';
import { error, warning, type Finding } from './rule.ts';

/** Warn this many days before a version leaves support: time for one minor upgrade. */
const NOTICE_DAYS = 60;

/** The cluster runs a Kubernetes minor version AKS supports today, and says so before that ends. */
export function kubernetesVersionRules(env: Environment, _input: unknown, policy: Policy): Finding[] {
  return [...channelRules(env), ...calendarRules(env, policy)];
}

/**
 * With an upgrade channel that moves patches, a pinned patch version drifts the first time AKS
 * upgrades, and the next plan would try to downgrade (AKS rejects it). The minor alone ("1.35")
 * matches whatever patch AKS applied.
 */
function channelRules(env: Environment): Finding[] {
  const { kubernetesVersion: version, upgradeChannel: channel } = env.aks;
  if (!['patch', 'stable', 'rapid'].includes(channel) || version.split('.').length < 3) return [];
  const minor = version.split('.').slice(0, 2).join('.');
  return [
    error(
      'KUBERNETES_PATCH_WITH_CHANNEL',
      ['aks', 'kubernetesVersion'],
      `Kubernetes ${version} pins a patch version, but upgradeChannel ${channel} lets AKS move patches: the next plan would try to move the cluster back.`,
      `Write the minor version only ("${minor}"), or set aks.upgradeChannel: none to upgrade patches yourself.`,
    ),
  ];
}

function calendarRules(env: Environment, policy: Policy): Finding[] {
  const minor = env.aks.kubernetesVersion.split('.').slice(0, 2).join('.');
  const path = ['aks', 'kubernetesVersion'];
  const supported = Object.entries(policy.kubernetesVersions)
    .filter(([, end]) => end >= policy.today)
    .map(([v]) => v)
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  const end = policy.kubernetesVersions[minor];
  if (end === undefined) {
    return [error('KUBERNETES_VERSION_UNKNOWN', path, `Kubernetes ${minor} is not in the AKS release calendar Slipway knows.`, `Use a supported version (${supported.join(', ')}), or add it with its end-of-life date under kubernetesVersions in slipway.config.json.`)];
  }
  if (end < policy.today) {
    return [error('KUBERNETES_VERSION_UNSUPPORTED', path, `AKS support for Kubernetes ${minor} ended on ${end}: new clusters cannot be created and existing ones get no fixes.`, `Upgrade one minor version at a time to a supported version (${supported.join(', ')}).`)];
  }
  const left = daysBetween(policy.today, end);
  if (left <= NOTICE_DAYS) {
    return [warning('KUBERNETES_VERSION_ENDING', path, `AKS support for Kubernetes ${minor} ends on ${end}, in ${left} days.`, `Plan the upgrade to ${supported.find((v) => v > minor) ?? 'the next minor version'} now.`)];
  }
  return [];
}
