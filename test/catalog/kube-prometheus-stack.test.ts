// Alertmanager's routes: every receiver gets the alerts of its severities (and labels), several
// receivers get one alert through `continue`, and a receiver no alert can reach is a validation error.
// Routing is evaluated with the model of prometheus/alertmanager dispatch/route.go in
// generator/model/rules/alert-routes.ts (its own test pins that model).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { charts } from '../../generator/catalog/charts.ts';
import { platformReleases } from '../../generator/catalog/index.ts';
import type { Values } from '../../generator/catalog/types.ts';
import { chartArchivePath } from '../../generator/charts/chart-dir.ts';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import type { Environment } from '../../generator/model/environment.ts';
import { receiversFor, unreachableReceivers, type AlertRoute } from '../../generator/model/rules/alert-routes.ts';
import { chartArchives, describeWithCharts } from '../helpers/charts.ts';
import { examples } from '../helpers/render.ts';
import { repoRoot } from '../helpers/workspace.ts';
import { helmPath, helmTemplate, kubePrometheusStackOnly } from '../verify/checks/helpers/helm.ts';

interface AlertmanagerConfig {
  readonly route: AlertRoute;
  readonly receivers: ReadonlyArray<{ readonly name: string; readonly [config: string]: unknown }>;
}

const { environments } = examples();
const env = (name: string) => environments.find((e) => e.name === name)!;
const monitoring = (e: Environment) => platformReleases(e).find((r) => r.name === 'kube-prometheus-stack')!;
const configOf = (e: Environment) => (monitoring(e).values as { alertmanager: { config: AlertmanagerConfig } }).alertmanager.config;

const critical = { alertname: 'PostfactoDown', severity: 'critical' };
const warning = { alertname: 'PostfactoDegraded', severity: 'warning' };

describe('Alertmanager routes of the examples', () => {
  it("numbers-prod: the on-call e-mail gets critical alerts, the Slack channel critical and warning ones, Watchdog and info go to null", () => {
    const config = configOf(env('numbers-prod'));
    expect(config.receivers.map((r) => r.name)).toEqual(['null', 'platform-oncall', 'retro-alerts']);
    expect(receiversFor(config.route, critical)).toEqual(['platform-oncall', 'retro-alerts']);
    expect(receiversFor(config.route, warning)).toEqual(['retro-alerts']);
    expect(receiversFor(config.route, { alertname: 'Watchdog', severity: 'none' })).toEqual(['null']);
    expect(receiversFor(config.route, { alertname: 'KubeCPUOvercommit', severity: 'info' })).toEqual(['null']);
    expect(unreachableReceivers(config.route, ['platform-oncall', 'retro-alerts'])).toEqual([]);
  });

  it('numbers-test: the webhook gets critical and warning alerts by default', () => {
    const config = configOf(env('numbers-test'));
    expect(receiversFor(config.route, critical)).toEqual(['test-alerts']);
    expect(receiversFor(config.route, warning)).toEqual(['test-alerts']);
    expect(config.route.routes?.at(-1)).toEqual({ receiver: 'test-alerts', matchers: ['severity =~ "critical|warning"'], continue: true });
  });
});

describe('receivers no alert reaches', () => {
  const files = ['numbers-prod', 'numbers-test'].map((name) => ({ file: `environments/${name}.yaml`, text: readFileSync(path.join(repoRoot, 'environments', `${name}.yaml`), 'utf8') }));
  const prodWith = (receivers: string) => {
    const prod = files[0]!.text.replace(/    receivers:\n(      .*\n|        .*\n)+/, `    receivers:\n${receivers}`);
    expect(prod).not.toBe(files[0]!.text);
    return loadEnvironmentTexts([{ ...files[0]!, text: prod }, files[1]!]).issues.filter((i) => i.severity === 'error');
  };
  const oncall = '      - type: email\n        name: platform-oncall\n        to: oncall@numbers.example.com\n';

  it('refuses a receiver whose labels only Watchdog has: the null route takes Watchdog first', () => {
    const errors = prodWith(`${oncall}      - type: webhook\n        name: heartbeat\n        severities: [critical, warning, info]\n        labels:\n          alertname: [Watchdog]\n`);
    expect(errors.map((i) => [i.code, i.file, i.path])).toEqual([['MONITORING_RECEIVER_UNREACHABLE', 'environments/numbers-prod.yaml', 'releases.monitoring.receivers.1']]);
    expect(errors[0]!.line).toBeGreaterThan(0);
    expect(errors[0]!.message).toMatch(/^No alert reaches receiver heartbeat: its route \(severity critical or warning or info, alertname Watchdog\)/);
    expect(errors[0]!.hint).toContain('releases.monitoring.receivers[1].severities or .labels');
  });

  it('refuses a receiver whose severity label contradicts its severities', () => {
    const errors = prodWith(`${oncall}      - type: slack\n        name: retro-alerts\n        channel: "#retro-alerts"\n        severities: [critical]\n        labels:\n          severity: [warning]\n`);
    expect(errors.map((i) => [i.code, i.path])).toEqual([['MONITORING_RECEIVER_UNREACHABLE', 'releases.monitoring.receivers.1']]);
  });

  it('accepts labels that narrow a receiver to some alerts', () => {
    expect(prodWith(`${oncall}      - type: webhook\n        name: retro-team\n        labels:\n          alertname: [PostfactoDown, PostfactoDegraded]\n`)).toEqual([]);
  });

  it('refuses the name null and a name used twice', () => {
    expect(prodWith(`${oncall}      - type: webhook\n        name: "null"\n`).map((i) => [i.code, i.path])).toEqual([['MONITORING_RECEIVER_NAME', 'releases.monitoring.receivers.1.name']]);
    expect(prodWith(`${oncall}      - type: webhook\n        name: platform-oncall\n`).map((i) => [i.code, i.path])).toEqual([['MONITORING_RECEIVER_NAME', 'releases.monitoring.receivers.1.name']]);
  });
});

describeWithCharts('alertmanager.yaml as kube-prometheus-stack renders it', () => {
  let helm = '';
  beforeAll(async () => {
    helm = await helmPath();
  });

  it("numbers-prod: the chart's Secret holds Slipway's routes, and the Slack receiver is reached", () => {
    const release = monitoring(env('numbers-prod'));
    const values = release.values as { alertmanager: Values };
    const only = kubePrometheusStackOnly({ alertmanager: values.alertmanager });
    const objects = helmTemplate(helm, chartArchivePath(chartArchives!, charts.kubePrometheusStack.source.chart, charts.kubePrometheusStack.version), release.name, 'monitoring', only, env('numbers-prod').aks.kubernetesVersion);
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'alertmanager-kube-prometheus-stack-alertmanager')!;
    const rendered = parse(Buffer.from((secret.data as Record<string, string>)['alertmanager.yaml']!, 'base64').toString('utf8')) as AlertmanagerConfig & { inhibit_rules: unknown[] };
    expect(receiversFor(rendered.route, critical)).toEqual(['platform-oncall', 'retro-alerts']);
    expect(receiversFor(rendered.route, warning)).toEqual(['retro-alerts']);
    expect(rendered.receivers.find((r) => r.name === 'retro-alerts')).toEqual({
      name: 'retro-alerts',
      slack_configs: [{ api_url_file: '/etc/alertmanager/secrets-store/alertmanager-slack-retro-alerts', channel: '#retro-alerts', send_resolved: true }],
    });
    // The chart's inhibit rules stay (Helm merges maps): a critical alert silences its warning twin.
    expect(rendered.inhibit_rules.length).toBeGreaterThan(0);
  });
});
