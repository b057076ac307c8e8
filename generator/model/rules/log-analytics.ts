// Log collection settings (aks.logAnalytics.*) need the workspace: with enabled false there is no
// Container Insights, no data collection rule and no diagnostic setting for them to configure.
import type { EnvironmentInput } from '../../../schema/environment.ts';
import type { Environment } from '../environment.ts';
import { error, type Finding } from './rule.ts';

const SETTINGS = ['retentionDays', 'containerLogs', 'tables', 'namespaces', 'interval'] as const;

export function logAnalyticsRules(env: Environment, input: EnvironmentInput): Finding[] {
  if (env.aks.logAnalytics.enabled) return [];
  const given = input.aks.logAnalytics ?? {};
  return SETTINGS.filter((s) => given[s] !== undefined).map((s) =>
    error(
      'LOG_ANALYTICS_OFF',
      ['aks', 'logAnalytics', s],
      `aks.logAnalytics.${s} is set, but aks.logAnalytics.enabled is false: without the workspace nothing collects logs, so the setting does nothing.`,
      `Remove aks.logAnalytics.${s}, or set aks.logAnalytics.enabled to true (the default).`,
    ),
  );
}
