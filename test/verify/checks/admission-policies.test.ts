// VERIFY_ADMISSION_DENIED: an object of the render that the render's own admission policies would
// refuse (catalog/admission-policies.ts) is reported before the merge, not by the API server when
// Flux applies it. On the real render (the pinned charts, both example environments) nothing is
// refused, by the check and by the policies' CEL itself.
import { describe, expect, it } from 'vitest';
import { admissionPolicies, POLICY, type AdmissionParameters } from '../../../generator/catalog/admission-policies.ts';
import { CERT_MANAGER_USER } from '../../../generator/catalog/cert-manager.ts';
import { hostsByNamespace } from '../../../generator/catalog/index.ts';
import { INGRESS_NAMESPACE } from '../../../generator/catalog/ingress-nginx.ts';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { ADMISSION_DENIED, admissionPolicyCheck } from '../../../generator/verify/checks/admission-policies.ts';
import { groupOf } from '../../../generator/verify/cluster-apis.ts';
import { objectId } from '../../../generator/verify/types.ts';
import { evaluatePolicy } from '../../helpers/admission-cel.ts';
import { describeWithCharts } from '../../helpers/charts.ts';
import { exampleStates } from '../cluster-states.ts';
import { checkCases } from './helpers/cases.ts';
import { clusterState, environment, inGit, inRelease, service } from './helpers/state.ts';

const HOST = 'retro.test.retro.numbers.example.com';
const parameters: AdmissionParameters = { served: hostsByNamespace(environment), ingressNamespace: INGRESS_NAMESPACE, certManagerUser: CERT_MANAGER_USER };
const policies = () => inGit('infrastructure-controllers', ...admissionPolicies(parameters));

const ingress = (namespace: string, host: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace, ...(annotations && { annotations }) },
  spec: { ingressClassName: 'nginx', rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }], tls: [{ hosts: [host], secretName: 'web-tls' }] },
});
const certificate = (namespace: string, dnsNames: string[]): KubeObject => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'web', namespace },
  spec: { secretName: 'web-tls', dnsNames, issuerRef: { name: 'letsencrypt-staging', kind: 'ClusterIssuer' } },
});

describe('objects the admission policies of the render refuse', () => {
  checkCases(admissionPolicyCheck, [
    {
      name: "a chart's Ingress naming a host its namespace does not serve",
      code: ADMISSION_DENIED,
      broken: () => clusterState([...policies(), ...inRelease('postfacto-main/postfacto-main', 'apps', ingress('postfacto-main', `admin.${HOST}`))]),
      fixed: () => clusterState([...policies(), ...inRelease('postfacto-main/postfacto-main', 'apps', ingress('postfacto-main', HOST))]),
      says: /Ingress postfacto-main\/web would be refused by ValidatingAdmissionPolicy slipway-ingress-hosts: An Ingress's rules name only hosts its namespace serves\. An Ingress's TLS hosts are hosts its namespace serves\./,
    },
    {
      name: 'an Ingress in a namespace that serves no host',
      code: ADMISSION_DENIED,
      broken: () => clusterState([...policies(), ...inRelease('velero/velero', 'infrastructure-controllers', ingress('velero', HOST))]),
      fixed: () => clusterState([...policies(), ...inRelease('postfacto-main/postfacto-main', 'apps', ingress('postfacto-main', HOST))]),
    },
    {
      name: 'a Service of type LoadBalancer outside the ingress namespace',
      code: ADMISSION_DENIED,
      broken: () => clusterState([...policies(), ...inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', { ...service('monitoring', 'grafana', { app: 'grafana' }, [{ port: 80 }]), spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } })]),
      fixed: () => clusterState([...policies(), ...inRelease('ingress-nginx/ingress-nginx', 'infrastructure-controllers', { ...service('ingress-nginx', 'controller', { app: 'nginx' }, [{ port: 80 }]), spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } })]),
      says: /slipway-service-exposure: Services of type LoadBalancer are for the ingress controller's namespace only \(ingress-nginx\)/,
    },
    {
      name: 'a Certificate from the ClusterIssuer for a wildcard',
      code: ADMISSION_DENIED,
      broken: () => clusterState([...policies(), ...inGit('apps', certificate('postfacto-main', [`*.${HOST}`]))]),
      fixed: () => clusterState([...policies(), ...inGit('apps', certificate('postfacto-main', [HOST]))]),
      says: /wildcard.*names only hosts/,
    },
  ]);

  it('names the hosts the namespace serves in the hint', () => {
    const [f] = admissionPolicyCheck(clusterState([...policies(), ...inRelease('postfacto-main/postfacto-main', 'apps', ingress('postfacto-main', `admin.${HOST}`))]));
    expect(f!.hint).toContain(`namespace postfacto-main serves (${HOST})`);
    expect(f!.cause).toEqual(['apps', 'postfacto', 0]);
  });

  it('applies only the policies the render puts in force: none without a policy, none without its Deny binding', () => {
    const bad = inRelease('postfacto-main/postfacto-main', 'apps', ingress('postfacto-main', 'elsewhere.example.org'));
    expect(admissionPolicyCheck(clusterState(bad))).toEqual([]);
    const unbound = admissionPolicies(parameters).filter((o) => !(o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === POLICY.ingressHosts));
    expect(admissionPolicyCheck(clusterState([...inGit('infrastructure-controllers', ...unbound), ...bad]))).toEqual([]);
    const warnOnly = admissionPolicies(parameters).map((o) => (o.kind === 'ValidatingAdmissionPolicyBinding' ? { ...o, spec: { ...(o.spec as object), validationActions: ['Warn'] } } : o));
    expect(admissionPolicyCheck(clusterState([...inGit('infrastructure-controllers', ...warnOnly), ...bad]))).toEqual([]);
  });

  it('reads the hosts from the rendered policy, not from the environment', () => {
    const other = admissionPolicies({ ...parameters, served: { 'postfacto-main': ['elsewhere.example.org'] } });
    const state = clusterState([...inGit('infrastructure-controllers', ...other), ...inRelease('postfacto-main/postfacto-main', 'apps', ingress('postfacto-main', HOST))]);
    expect(admissionPolicyCheck(state).map((f) => f.code)).toEqual([ADMISSION_DENIED]);
  });
});

const RESOURCES: Record<string, string> = { Ingress: 'ingresses', Certificate: 'certificates', CertificateRequest: 'certificaterequests', Service: 'services' };

describeWithCharts('the admission policies on the real render', () => {
  it('refuse nothing the pinned charts and Slipway render, by the check and by the CEL itself', async () => {
    const { states } = await exampleStates();
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) {
      expect(admissionPolicyCheck(state), state.environment.name).toEqual([]);
      const rendered = state.objects.filter((r) => r.object.kind === 'ValidatingAdmissionPolicy' && Object.values(POLICY).includes(r.object.metadata.name as never));
      expect(rendered.map((r) => r.object.metadata.name).sort()).toEqual(Object.values(POLICY).sort());
      const checked: string[] = [];
      for (const r of state.objects.filter((o) => o.object.kind in RESOURCES)) {
        const o = r.object;
        for (const policy of rendered) {
          const verdict = evaluatePolicy(policy.object, {
            group: groupOf(o.apiVersion),
            resource: RESOURCES[o.kind]!,
            operation: 'CREATE',
            namespace: o.metadata.namespace ?? 'default',
            username: 'system:serviceaccount:flux-system:helm-controller',
            object: o,
          });
          if (!verdict.applies) continue;
          checked.push(objectId(o));
          expect(verdict.denials, `${state.environment.name}: ${objectId(o)} by ${policy.object.metadata.name}`).toEqual([]);
        }
      }
      // Postfacto's Ingress, Grafana's (when exposed), the ingress controller's LoadBalancer are among them.
      expect(checked.some((id) => id.startsWith('Ingress postfacto-'))).toBe(true);
      expect(checked).toContain('Service ingress-nginx/ingress-nginx-controller');
    }
  });

  it("name cert-manager's controller as the chart runs it: the service account of its Deployment", async () => {
    const { states } = await exampleStates();
    for (const state of states) {
      const controller = state.objects.find((r) => r.object.kind === 'Deployment' && r.object.metadata.namespace === 'cert-manager' && r.object.metadata.name === 'cert-manager')!;
      const account = (controller.object.spec as { template: { spec: { serviceAccountName: string } } }).template.spec.serviceAccountName;
      expect(CERT_MANAGER_USER).toBe(`system:serviceaccount:cert-manager:${account}`);
      expect(state.objects.some((r) => r.object.kind === 'ServiceAccount' && r.object.metadata.namespace === 'cert-manager' && r.object.metadata.name === account)).toBe(true);
    }
  });
});
