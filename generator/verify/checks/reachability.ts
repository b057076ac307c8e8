// VERIFY_UNREACHABLE: the connections the platform depends on pass the NetworkPolicies
// (semantics: model/network-policy.ts).
//   - the ingress controller's pods reach every Ingress backend's pods on the Service's target port;
//   - with an HTTP-01 issuer, they reach cert-manager's solver pods in each namespace with an
//     Ingress using that issuer. The solver pods exist only during a challenge, so they are
//     modelled: cert-manager runs them in the Ingress's namespace with the label
//     acme.cert-manager.io/http01-solver: "true" (plus the solver's podTemplate labels), listening
//     on TCP 8089 (cert-manager pkg/issuer/acme/http: acmeSolverListenPort);
//   - each app pod reaches what its environment names in URLs: in-cluster Services (Redis), the
//     PostgreSQL server (an address in the environment's postgresql subnet, 5432), and CoreDNS
//     (kube-system k8s-app=kube-dns, 53 UDP and TCP) to resolve those names;
//   - Prometheus pods reach the pods behind every ServiceMonitor they pick up, on the scraped port,
//     and the Alertmanagers their Prometheus resource sends alerts to (spec.alerting.alertmanagers:
//     a Service by namespace, name and port);
//   - a pod whose k8s-sidecar (kiwigrid, as the grafana chart runs it) copies labelled ConfigMaps
//     into a datasources folder reaches the in-cluster Service of every datasource url they hold.
import { releaseField } from '../../catalog/index.ts';
import type { KubeObject } from '../../catalog/types.ts';
import { objectId, type Check, type ClusterState, type RenderedObject, type VerifyFinding } from '../types.ts';
import { indexOf, type ClusterIndex } from './model/cluster.ts';
import { parse } from 'yaml';
import { at, isMap, map, maps, stringMap, text } from './model/data.ts';
import { finding } from './model/finding.ts';
import { backendsOf, classOf, issuerObject } from './model/ingress.ts';
import { blocked, policyNames, type Blocked, type Endpoint } from './model/network-policy.ts';
import { namedPort, workloadName, type PodModel } from './model/pods.ts';
import { monitoredServices, picks } from './reference-service-monitors.ts';
import { servicePods } from './reference-selectors.ts';

export const UNREACHABLE = 'VERIFY_UNREACHABLE';

const SOLVER_LABEL = 'acme.cert-manager.io/http01-solver';
const SOLVER_PORT = 8089;

interface Target {
  readonly endpoint: Endpoint;
  readonly port: number;
  readonly protocol: string;
}

/** The first connection from any source to the target that a policy blocks, described. */
function firstBlock(index: ClusterIndex, sources: readonly PodModel[], targets: readonly Target[]): { source: PodModel; target: Target; block: Blocked } | undefined {
  for (const source of sources) {
    for (const target of targets) {
      const block = blocked(index, { from: { pod: source }, to: target.endpoint, port: target.port, protocol: target.protocol });
      if (block) return { source, target, block };
    }
  }
  return undefined;
}

const endpointName = (e: Endpoint) => ('pod' in e ? `the pods of ${workloadName(e.pod)}` : e.label);

function because(b: Blocked, other: Endpoint): string {
  const side = b.direction === 'Egress' ? 'egress' : 'ingress';
  const peer = b.direction === 'Egress' ? `to ${endpointName(other)}` : `from ${endpointName(other)}`;
  return `${policyNames(b.policies)} isolate${b.policies.length === 1 ? 's' : ''} the pods of ${workloadName(b.pod)} for ${side}, and none of ${b.policies.length === 1 ? 'its' : 'their'} ${side} rules allows that port ${peer}`;
}

/** "<what>, but <who> cannot reach <target> on <port>: <policy> isolates ...; <consequence>." */
function say(state: ClusterState, about: RenderedObject, what: string, who: string, found: NonNullable<ReturnType<typeof firstBlock>>, consequence: string): VerifyFinding {
  const { target, block } = found;
  const other = block.direction === 'Egress' ? target.endpoint : { pod: found.source };
  return finding(state, about, {
    code: UNREACHABLE,
    severity: 'error',
    message: `${what}, but ${who} cannot reach ${endpointName(target.endpoint)} on ${target.protocol} ${target.port}: ${because(block, other)}; ${consequence}.`,
    hint: `Add a NetworkPolicy in ${block.pod.namespace} that selects the pods of ${workloadName(block.pod)} and allows ${block.direction === 'Egress' ? 'egress to' : 'ingress from'} ${endpointName(other)} on ${target.protocol} ${target.port}.`,
  });
}

/** The ingress controller pods serving a class: the long-running pods of the release that renders the IngressClass, its controller component when labelled. */
function controllerPods(index: ClusterIndex, ingressClass: RenderedObject | undefined): PodModel[] {
  if (!ingressClass?.release) return [];
  const release = ingressClass.release;
  const pods = index.pods.filter((p) => p.longRunning && p.source.release?.name === release.name && p.source.release.namespace === release.namespace);
  const controllers = pods.filter((p) => p.labels['app.kubernetes.io/component'] === 'controller');
  return controllers.length ? controllers : pods;
}

/** The pods behind a Service port, with the container port each receives it on. */
function serviceTargets(index: ClusterIndex, service: KubeObject, port: number | string | undefined): Target[] {
  const servicePort = maps(at(service, 'spec', 'ports')).find((p) => (typeof port === 'number' ? p.port === port : port === undefined || p.name === port));
  if (!servicePort) return [];
  const targetPort = servicePort.targetPort ?? servicePort.port;
  const protocol = text(servicePort.protocol) ?? 'TCP';
  return (servicePods(index, service) ?? []).flatMap((pod) => {
    const number = typeof targetPort === 'number' ? targetPort : namedPort(pod, String(targetPort))?.port;
    return number === undefined ? [] : [{ endpoint: { pod }, port: number, protocol }];
  });
}

function ingressBackends(index: ClusterIndex): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  for (const r of index.ofKind('Ingress')) {
    const ns = r.object.metadata.namespace ?? 'default';
    const controllers = controllerPods(index, classOf(index, r.object).object);
    for (const b of backendsOf(r.object)) {
      const service = index.get('Service', ns, b.service);
      if (!service) continue; // VERIFY_REFERENCE_INGRESS_BACKEND
      const found = firstBlock(index, controllers, serviceTargets(index, service.object, b.port));
      if (found) out.push(say(index.state, r, `${objectId(r.object)} routes ${b.host ?? b.field} to Service ${ns}/${b.service}`, `the ingress controller (${workloadName(found.source)})`, found, `requests${b.host ? ` for ${b.host}` : ''} fail with 504 Gateway Timeout`));
    }
  }
  return out;
}

/** The HTTP-01 solvers of an ACME issuer. */
function http01Solvers(issuer: KubeObject): Array<Record<string, unknown>> {
  return maps(at(issuer, 'spec', 'acme', 'solvers')).flatMap((s) => (isMap(s.http01) ? [s] : []));
}

/** The solver pod cert-manager starts for a challenge in a namespace (it exists only then, so it is modelled). */
function solverPod(namespace: string, templateLabels: Record<string, string>): PodModel {
  const labels = { ...templateLabels, [SOLVER_LABEL]: 'true' };
  const spec = { containers: [{ name: 'acmesolver', ports: [{ name: 'http', containerPort: SOLVER_PORT, protocol: 'TCP' }] }] };
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cm-acme-http-solver', namespace, labels }, spec };
  return { source: { object, kustomization: '', file: '' }, namespace, labels, annotations: {}, spec, path: 'spec', longRunning: false, derived: true, describe: `cert-manager's HTTP-01 solver (labelled ${SOLVER_LABEL}=true, in ${namespace})` };
}

function solverReach(index: ClusterIndex): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  const seen = new Set<string>();
  for (const r of index.ofKind('Ingress')) {
    const issuer = issuerObject(index, r.object);
    const ns = r.object.metadata.namespace ?? 'default';
    // One check per namespace and issuer, with the issuer's first HTTP-01 solver (solver selectors are not evaluated).
    const solver = issuer && http01Solvers(issuer.object)[0];
    const key = `${ns}/${issuer && objectId(issuer.object)}`;
    if (!issuer || !solver || seen.has(key)) continue;
    seen.add(key);
    const ingress = map(at(solver, 'http01', 'ingress'));
    const className = text(ingress.ingressClassName) ?? text(ingress.class);
    const controllers = controllerPods(index, className ? index.get('IngressClass', '', className) : classOf(index, r.object).object);
    const pod = solverPod(ns, stringMap(at(ingress, 'podTemplate', 'metadata', 'labels')));
    const found = firstBlock(index, controllers, [{ endpoint: { pod }, port: SOLVER_PORT, protocol: 'TCP' }]);
    if (found) {
      const what = `${objectId(r.object)} gets its certificate from ${objectId(issuer.object)} through an HTTP-01 challenge`;
      out.push(say(index.state, r, what, `the ingress controller (${workloadName(found.source)})`, found, 'the challenge fails, so the certificate is never issued and the TLS Secret never exists'));
    }
  }
  return out;
}

const SCHEME_PORTS: Readonly<Record<string, number>> = { redis: 6379, rediss: 6379, postgres: 5432, postgresql: 5432, http: 80, https: 443, amqp: 5672, mysql: 3306 };
const URL = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^@/\s]*@)?([a-z0-9.-]+)(?::(\d+))?/gi;

/** The Service a host name means from a pod's namespace: name, name.ns, name.ns.svc[.cluster.local]. */
function serviceByHost(index: ClusterIndex, host: string, from: string): RenderedObject | undefined {
  const [name, ns = from, svc, ...rest] = host.split('.');
  if (svc !== undefined && (svc !== 'svc' || (rest.length && rest.join('.') !== 'cluster.local'))) return undefined;
  return name ? index.get('Service', ns, name) : undefined;
}

function appConnections(index: ClusterIndex): VerifyFinding[] {
  const state = index.state;
  const out: VerifyFinding[] = [];
  const database = `${state.environment.names.postgresqlServer}.postgres.database.azure.com`;
  const dns = index.selectablePods('kube-system').filter((p) => p.labels['k8s-app'] === 'kube-dns');
  for (const pod of index.pods) {
    const release = pod.source.release;
    if (!release || !isApp(state, release.name)) continue;
    const targets: Array<{ what: string; targets: Target[]; consequence: string }> = [];
    let resolves = false;
    for (const c of maps(pod.spec.containers)) {
      for (const env of maps(c.env)) {
        for (const match of (text(env.value) ?? '').matchAll(URL)) {
          const [, scheme = '', host = '', port] = match;
          const number = port ? Number(port) : SCHEME_PORTS[scheme.toLowerCase()];
          if (number === undefined || /^\d+\.\d+\.\d+\.\d+$/.test(host)) continue;
          resolves = true;
          const service = serviceByHost(index, host, pod.namespace);
          if (service) {
            targets.push({ what: `${workloadName(pod)} connects to ${objectId(service.object)} on port ${number} (${text(env.name)})`, targets: serviceTargets(index, service.object, number), consequence: `every connection to ${host}:${number} times out` });
          } else if (host === database || host.endsWith(`.${database}`)) {
            targets.push({
              what: `${workloadName(pod)} connects to the PostgreSQL server ${host} (${text(env.name)})`,
              targets: [{ endpoint: { cidr: state.environment.network.postgresqlSubnet, label: `the PostgreSQL subnet ${state.environment.network.postgresqlSubnet}` }, port: number, protocol: 'TCP' }],
              consequence: 'it cannot connect to its database',
            });
          }
        }
      }
    }
    if (resolves) {
      for (const protocol of ['UDP', 'TCP']) {
        targets.push({ what: `${workloadName(pod)} looks up the host names it connects to`, targets: dns.map((d) => ({ endpoint: { pod: d }, port: 53, protocol })), consequence: `DNS over ${protocol} fails, so it reaches nothing by name` });
      }
    }
    for (const t of targets) {
      const found = firstBlock(index, [pod], t.targets);
      if (found) out.push(say(state, pod.source, t.what, 'its pods', found, t.consequence));
    }
  }
  return out;
}

/** App instances are the releases whose environment field is under apps. */
const isApp = (state: ClusterState, release: string) => releaseField(state.environment, release)?.[0] === 'apps';

/** The pods a ServiceMonitor endpoint scrapes, on the port it scrapes them. */
function scrapeTargets(index: ClusterIndex, services: readonly KubeObject[], endpoint: Record<string, unknown>): Target[] {
  const port = text(endpoint.port);
  if (port !== undefined) return services.flatMap((s) => serviceTargets(index, s, port));
  const t = endpoint.targetPort;
  return services.flatMap((s) =>
    (servicePods(index, s) ?? []).flatMap((pod) => {
      const number = typeof t === 'number' ? t : t === undefined ? undefined : namedPort(pod, String(t))?.port;
      return number === undefined ? [] : [{ endpoint: { pod }, port: number, protocol: 'TCP' }];
    }),
  );
}

function scrapes(index: ClusterIndex): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  for (const prometheus of index.pods.filter((p) => p.derived && p.source.object.kind === 'Prometheus')) {
    for (const r of index.ofKind('ServiceMonitor').filter((m) => picks(index, prometheus.source.object, m.object))) {
      const services = monitoredServices(index, r.object).flatMap((s) => s.object ?? []);
      for (const endpoint of maps(at(r.object, 'spec', 'endpoints'))) {
        const found = firstBlock(index, [prometheus], scrapeTargets(index, services, endpoint));
        const what = `${objectId(r.object)} has Prometheus scrape ${text(endpoint.port) ? `port ${text(endpoint.port)}` : `container port ${String(endpoint.targetPort)}`}`;
        if (found) out.push(say(index.state, r, what, `Prometheus (${workloadName(prometheus)})`, found, 'the target is down in Prometheus and alerts on its metrics never fire'));
      }
    }
  }
  return out;
}

/** Prometheus to the Alertmanagers it alerts (prometheus-operator: spec.alerting.alertmanagers[] names an Endpoints/Service and its port). */
function alerting(index: ClusterIndex): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  for (const prometheus of index.pods.filter((p) => p.derived && p.source.object.kind === 'Prometheus')) {
    for (const am of maps(at(prometheus.source.object, 'spec', 'alerting', 'alertmanagers'))) {
      const ns = text(am.namespace) ?? prometheus.namespace;
      const name = text(am.name) ?? '';
      const service = index.get('Service', ns, name);
      if (!service) continue; // a reference check's business
      const port = typeof am.port === 'number' ? am.port : text(am.port);
      const found = firstBlock(index, [prometheus], serviceTargets(index, service.object, port));
      if (found) out.push(say(index.state, prometheus.source, `${objectId(prometheus.source.object)} sends its alerts to Service ${ns}/${name}`, `Prometheus (${workloadName(prometheus)})`, found, 'no alert reaches a receiver'));
    }
  }
  return out;
}

/** The values of a container's env entries that have a literal value. */
const envValues = (container: Record<string, unknown>): Record<string, string> => Object.fromEntries(maps(container.env).flatMap((e) => (text(e.name) && text(e.value) !== undefined ? [[text(e.name)!, text(e.value)!]] : [])));

/**
 * Grafana to the datasources provisioned into it: kiwigrid's k8s-sidecar copies every ConfigMap
 * labelled LABEL (=LABEL_VALUE) from NAMESPACE (its own by default, a comma-separated list, or ALL)
 * into FOLDER; a folder of datasources holds Grafana's provisioning files (datasources[].url).
 */
function datasources(index: ClusterIndex): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  for (const pod of index.pods.filter((p) => p.longRunning)) {
    for (const sidecar of [...maps(pod.spec.initContainers), ...maps(pod.spec.containers)].map(envValues)) {
      const label = sidecar.LABEL;
      if (!label || !/datasources/.test(sidecar.FOLDER ?? '')) continue;
      const searched = sidecar.NAMESPACE === 'ALL' ? undefined : (sidecar.NAMESPACE?.split(',').map((n) => n.trim()) ?? [pod.namespace]);
      const configMaps = index
        .ofKind('ConfigMap')
        .filter((r) => (searched ?? [r.object.metadata.namespace ?? 'default']).includes(r.object.metadata.namespace ?? 'default'))
        .filter((r) => Object.hasOwn(stringMap(r.object.metadata.labels), label) && (sidecar.LABEL_VALUE === undefined || stringMap(r.object.metadata.labels)[label] === sidecar.LABEL_VALUE));
      for (const r of configMaps) {
        for (const file of Object.values(stringMap((r.object as { data?: unknown }).data))) {
          let provisioning: unknown;
          try {
            provisioning = parse(file);
          } catch {
            continue;
          }
          for (const source of maps(at(provisioning, 'datasources'))) {
            for (const match of (text(source.url) ?? '').matchAll(URL)) {
              const [, scheme = '', host = '', port] = match;
              const number = port ? Number(port) : SCHEME_PORTS[scheme.toLowerCase()];
              const service = number === undefined ? undefined : serviceByHost(index, host, r.object.metadata.namespace ?? 'default');
              if (!service || number === undefined) continue;
              const found = firstBlock(index, [pod], serviceTargets(index, service.object, number));
              if (found) out.push(say(index.state, r, `${objectId(r.object)} provisions the datasource "${text(source.name) ?? host}" at ${text(source.url)}`, `Grafana (${workloadName(pod)})`, found, 'its panels show no data'));
            }
          }
        }
      }
    }
  }
  return out;
}

export const reachabilityCheck: Check = (state) => {
  const index = indexOf(state);
  return [...ingressBackends(index), ...solverReach(index), ...appConnections(index), ...scrapes(index), ...alerting(index), ...datasources(index)];
};

