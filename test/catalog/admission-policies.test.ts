// The admission policies of issue 18.5 (catalog/admission-policies.ts): hosts, certificates and load
// balancers belong to their namespace. Three layers of proof:
// - the objects: schema-valid admissionregistration.k8s.io/v1, each policy bound with Deny, placed
//   where Flux and helmfile apply them before any release;
// - the CEL: every expression evaluated on sample requests by a CEL evaluator with the admission
//   semantics of the Kubernetes docs (test/helpers/admission-cel.ts), using only functions the
//   Kubernetes 1.30 CEL environment has; and its TypeScript twin (what verify runs) gives the same
//   answer on every sample;
// - the real render: every Ingress, Certificate and Service the pinned charts make is admitted
//   (test/verify/checks/admission-policies.test.ts).
import { describe, expect, it } from 'vitest';
import { admissionPolicies, denials, NAME_ANNOTATIONS, POLICY, policyParameters, policySpecs, type AdmissionParameters, type PolicySpec } from '../../generator/catalog/admission-policies.ts';
import { CERT_MANAGER_USER } from '../../generator/catalog/cert-manager.ts';
import { hostsByNamespace, releaseObjects, servedHosts } from '../../generator/catalog/index.ts';
import { INGRESS_NAMESPACE } from '../../generator/catalog/ingress-nginx.ts';
import type { KubeObject } from '../../generator/catalog/types.ts';
import { embeddedValidator } from '../../generator/validate/embedded.ts';
import { listEnvironmentFiles, loadEnvironments } from '../../generator/load/load-environments.ts';
import { renderFlux } from '../../generator/render/flux/layout.ts';
import { renderHelmfile } from '../../generator/render/helmfile/render.ts';
import { evaluatePolicy, functionsOf, typeCheck } from '../helpers/admission-cel.ts';
import { repoRoot } from '../helpers/workspace.ts';
import { environment } from '../verify/checks/helpers/state.ts';

/** The example environments and their Flux and helmfile outputs (what this test reads of the render). */
function exampleOutputs() {
  const previous = process.cwd();
  process.chdir(repoRoot);
  try {
    const { environments } = loadEnvironments(listEnvironmentFiles('environments'));
    return { environments, files: new Map([...renderFlux(environments), ...renderHelmfile(environments)]) };
  } finally {
    process.chdir(previous);
  }
}
const { environments, files } = exampleOutputs();

const CURRENT = 'retro.numbers.example.com';
const PREVIOUS = 'previous.retro.numbers.example.com';
const GRAFANA = 'grafana.retro.numbers.example.com';
const TEAM = 'postfacto-v4-3-11';
const OTHER_TEAM = 'postfacto-v4-3-10';
const TEAM_USER = 'alice@numbers.example.com';

/** numbers-prod's hosts: two Postfacto instances, one host below the other's, and Grafana. */
const parameters: AdmissionParameters = {
  served: { monitoring: [GRAFANA], [TEAM]: [CURRENT], [OTHER_TEAM]: [PREVIOUS] },
  ingressNamespace: INGRESS_NAMESPACE,
  certManagerUser: CERT_MANAGER_USER,
};
const policies = admissionPolicies(parameters);
const specs = policySpecs(parameters);
const policyObject = (name: string) => policies.find((p) => p.kind === 'ValidatingAdmissionPolicy' && p.metadata.name === name)!;
const specOf = (name: string) => specs.find((s) => s.name === name)!;

describe('the hosts of each namespace', () => {
  it('come from the catalog: each Postfacto instance in its namespace, Grafana (when it has an Ingress) in monitoring, nothing elsewhere', () => {
    // The platform's served hosts are Grafana's only; they belong to kube-prometheus-stack's namespace.
    const grafana = servedHosts(environment).platform.map((h) => h.host);
    const monitoring = grafana.length > 0 ? { monitoring: grafana } : {};
    expect(hostsByNamespace(environment)).toEqual({ ...monitoring, 'postfacto-main': ['retro.test.retro.numbers.example.com'] });
    const [main] = environment.apps.postfacto;
    const two = { ...environment, apps: { ...environment.apps, postfacto: [main!, { ...main!, name: 'old', host: `old.${main!.host}`, namespace: 'retro-old', release: 'postfacto-old' }] } };
    expect(hostsByNamespace(two)).toEqual({ ...monitoring, 'postfacto-main': [main!.host], 'retro-old': [`old.${main!.host}`] });
  });

  it('are written into the policy as a sorted JSON literal, and read back by verify as they were', () => {
    const served = (policyObject(POLICY.ingressHosts).spec as { variables: Array<{ name: string; expression: string }> }).variables.find((v) => v.name === 'served')!;
    expect(served.expression).toBe(`{"monitoring":["${GRAFANA}"],"${OTHER_TEAM}":["${PREVIOUS}"],"${TEAM}":["${CURRENT}"]}`);
    for (const p of policies.filter((o) => o.kind === 'ValidatingAdmissionPolicy')) {
      const read = policyParameters(p)!;
      if (p.metadata.name === POLICY.ingressHosts || p.metadata.name === POLICY.certificateHosts) expect(read.served).toEqual(JSON.parse(served.expression));
    }
    expect(policyParameters(policyObject(POLICY.serviceExposure))!.ingressNamespace).toBe('ingress-nginx');
    expect(policyParameters(policyObject(POLICY.certificateRequests))!.certManagerUser).toBe('system:serviceaccount:cert-manager:cert-manager');
    expect(policyParameters({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'someone-elses' } })).toBeUndefined();
  });

  it('refuse anything but DNS names into the CEL literal, and leave out namespaces without hosts', () => {
    expect(() => admissionPolicies({ ...parameters, served: { team: ["x' || true || '"] } })).toThrow(/not a DNS name/);
    const served = policyParameters(admissionPolicies({ ...parameters, served: { b: ['z.example.com', 'a.example.com', 'a.example.com'], a: [], c: ['c.example.com'] } })[0]!)!.served;
    expect(served).toEqual({ b: ['a.example.com', 'z.example.com'], c: ['c.example.com'] });
    expect(Object.keys(served)).toEqual(['b', 'c']);
  });
});

describe('the policy objects', () => {
  it('are admissionregistration.k8s.io/v1 objects valid against the embedded Kubernetes schemas', async () => {
    for (const o of policies) {
      const validate = (await embeddedValidator(o.apiVersion, o.kind))!;
      expect(validate, o.kind).toBeDefined();
      expect(validate(o), `${o.kind} ${o.metadata.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('bind every policy, in every namespace, with Deny; an expression that fails refuses (failurePolicy Fail)', () => {
    expect(policies.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      Object.values(POLICY).flatMap((name) => [`ValidatingAdmissionPolicy/${name}`, `ValidatingAdmissionPolicyBinding/${name}`]),
    );
    for (const b of policies.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding')) {
      // No matchResources: the binding applies wherever the policy's matchConstraints do.
      expect(b.spec).toEqual({ policyName: b.metadata.name, validationActions: ['Deny'] });
    }
    for (const p of policies.filter((o) => o.kind === 'ValidatingAdmissionPolicy')) {
      expect((p.spec as { failurePolicy: string }).failurePolicy).toBe('Fail');
      for (const v of (p.spec as { validations: Array<{ message: string; reason: string }> }).validations) {
        // The API server refuses a message with a line break.
        expect(v.message).not.toMatch(/\n/);
        expect(v.reason).toBe('Forbidden');
      }
    }
  });

  it('render the same bytes for the same environment', () => {
    expect(JSON.stringify(admissionPolicies({ ...parameters }))).toBe(JSON.stringify(policies));
  });

  it('go in before any release: with the namespaces in Flux infrastructure-controllers and in helmfile platform-base', () => {
    expect(environments.length).toBeGreaterThan(0);
    for (const env of environments) {
      expect(releaseObjects(env).base.filter((o) => o.apiVersion.startsWith('admissionregistration.k8s.io/')).map((o) => o.metadata.name)).toHaveLength(8);
      for (const p of admissionPolicies({ served: hostsByNamespace(env), ingressNamespace: INGRESS_NAMESPACE, certManagerUser: CERT_MANAGER_USER })) {
        const file = `${p.kind.toLowerCase()}-${p.metadata.name}.yaml`;
        expect(files.has(`${env.name}/flux/infrastructure/controllers/${file}`), file).toBe(true);
        expect(files.get(`${env.name}/flux/infrastructure/controllers/kustomization.yaml`)).toContain(`- ${file}\n`);
        expect(files.has(`${env.name}/helmfile/charts/platform-base/templates/${file}`), file).toBe(true);
      }
    }
  });
});

// ---------------------------------------------------------------- requests, CEL and TypeScript

interface Sample {
  readonly name: string;
  readonly policy: PolicySpec['name'];
  readonly namespace: string;
  readonly object: KubeObject;
  readonly username?: string;
  readonly operation?: 'CREATE' | 'UPDATE';
  /** The static messages of the rules broken, in order; [] when admitted. */
  readonly refused: readonly RegExp[];
  /** The policy does not look at the request at all (matchConditions false). */
  readonly skipped?: boolean;
}

const ingress = (namespace: string, spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace, ...(annotations && { annotations }) },
  spec: { ingressClassName: 'nginx', ...spec },
});
const route = (host?: string) => ({ ...(host && { host }), http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } });
/** What Postfacto's release renders (app-template ingress.web). */
const postfactoIngress = (namespace: string, host: string) =>
  ingress(namespace, { rules: [route(host)], tls: [{ hosts: [host], secretName: 'postfacto-tls' }] }, { 'cert-manager.io/cluster-issuer': 'letsencrypt-production' });
/**
 * The HTTP-01 solver's Ingress as cert-manager v1.21.1 builds it (pkg/issuer/acme/http/ingress.go
 * buildIngressResource): generateName, in the Challenge's namespace, the whitelist annotation, the
 * issuer's ingressClassName, one rule for the name being validated with the token's path.
 */
const solverIngress = (namespace: string, host: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {
    name: '',
    generateName: 'cm-acme-http-solver-',
    namespace,
    labels: { 'acme.cert-manager.io/http01-solver': 'true', 'acme.cert-manager.io/http-domain': '1234', 'acme.cert-manager.io/http-token': '5678' },
    annotations: { 'nginx.ingress.kubernetes.io/whitelist-source-range': '0.0.0.0/0,::/0' },
  } as KubeObject['metadata'],
  spec: {
    ingressClassName: 'nginx',
    rules: [{ host, http: { paths: [{ path: '/.well-known/acme-challenge/token', pathType: 'ImplementationSpecific', backend: { service: { name: 'cm-acme-http-solver-abcde', port: { number: 8089 } } } }] } }],
  },
});
/** The solver's Service (service.go buildService): a NodePort by default, an Istio annotation. */
const solverService = (namespace: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: '', generateName: 'cm-acme-http-solver-', namespace, annotations: { 'auth.istio.io/8089': 'NONE' } } as KubeObject['metadata'],
  spec: { type: 'NodePort', ports: [{ name: 'http', port: 8089, targetPort: 8089 }], selector: { 'acme.cert-manager.io/http01-solver': 'true' } },
});
const certificate = (namespace: string, spec: Record<string, unknown>, issuerRef: Record<string, unknown> = { name: 'letsencrypt-production', kind: 'ClusterIssuer', group: 'cert-manager.io' }): KubeObject => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'web', namespace },
  spec: { secretName: 'web-tls', issuerRef, ...spec },
});
const certificateRequest = (namespace: string, issuerRef: Record<string, unknown>): KubeObject => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'CertificateRequest',
  metadata: { name: 'web-1', namespace },
  spec: { request: 'LS0tLS1CRUdJTi...', issuerRef },
});
const service = (namespace: string, spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'svc', namespace, ...(annotations && { annotations }) },
  spec: { ports: [{ port: 80 }], ...spec },
});

const RULES = /rules name only hosts/;
const TLS = /TLS hosts are hosts/;
const ANNOTATED = /annotations .* name only hosts/;
const WILDCARD = /wildcard/;
const NO_HOST = /names its host/;
const DEFAULT_BACKEND = /defaultBackend/;
const CERT_NAMES = /names only hosts its namespace serves/;
const OTHER_SANS = /no ipAddresses, uris/;

const samples: Sample[] = [
  // Ingress
  { name: "Postfacto's Ingress in its namespace", policy: POLICY.ingressHosts, namespace: TEAM, object: postfactoIngress(TEAM, CURRENT), refused: [] },
  { name: "Grafana's Ingress in monitoring (a platform namespace that serves a host)", policy: POLICY.ingressHosts, namespace: 'monitoring', object: postfactoIngress('monitoring', GRAFANA), refused: [] },
  { name: "the same Ingress as an UPDATE", policy: POLICY.ingressHosts, namespace: TEAM, object: postfactoIngress(TEAM, CURRENT), operation: 'UPDATE', refused: [] },
  { name: "a path on another team's host", policy: POLICY.ingressHosts, namespace: TEAM, object: postfactoIngress(TEAM, PREVIOUS), refused: [RULES, TLS] },
  { name: "a host below the namespace's own is not its own (prod: previous.retro... sits below retro...)", policy: POLICY.ingressHosts, namespace: TEAM, object: ingress(TEAM, { rules: [route(`x.${CURRENT}`)] }), refused: [RULES] },
  { name: "another team's host in the TLS section only", policy: POLICY.ingressHosts, namespace: TEAM, object: ingress(TEAM, { rules: [route(CURRENT)], tls: [{ hosts: [CURRENT, PREVIOUS], secretName: 's' }] }), refused: [TLS] },
  { name: 'a wildcard', policy: POLICY.ingressHosts, namespace: TEAM, object: ingress(TEAM, { rules: [route(`*.${CURRENT}`)], tls: [{ hosts: [`*.${CURRENT}`] }] }), refused: [WILDCARD, RULES, TLS] },
  { name: 'a rule without a host (every host)', policy: POLICY.ingressHosts, namespace: TEAM, object: ingress(TEAM, { rules: [route(CURRENT), route()] }), refused: [NO_HOST] },
  { name: 'a default backend (the catch-all server)', policy: POLICY.ingressHosts, namespace: TEAM, object: ingress(TEAM, { defaultBackend: { service: { name: 'web', port: { number: 80 } } } }), refused: [DEFAULT_BACKEND] },
  { name: 'TLS entries without hosts', policy: POLICY.ingressHosts, namespace: TEAM, object: ingress(TEAM, { rules: [route(CURRENT)], tls: [{ secretName: 's' }] }), refused: [] },
  { name: "ingress-nginx's server-alias naming another team's host", policy: POLICY.ingressHosts, namespace: TEAM, object: { ...postfactoIngress(TEAM, CURRENT), metadata: { name: 'web', namespace: TEAM, annotations: { 'nginx.ingress.kubernetes.io/server-alias': `${CURRENT},${PREVIOUS}` } } }, refused: [ANNOTATED] },
  { name: "external-dns's hostname annotation with the namespace's own host", policy: POLICY.ingressHosts, namespace: TEAM, object: { ...postfactoIngress(TEAM, CURRENT), metadata: { name: 'web', namespace: TEAM, annotations: { 'external-dns.alpha.kubernetes.io/hostname': CURRENT } } }, refused: [] },
  { name: "external-dns's hostname annotation with a name of the zone nobody serves", policy: POLICY.ingressHosts, namespace: TEAM, object: { ...postfactoIngress(TEAM, CURRENT), metadata: { name: 'web', namespace: TEAM, annotations: { 'external-dns.alpha.kubernetes.io/hostname': `mail.${CURRENT}` } } }, refused: [ANNOTATED] },
  { name: "ingress-shim's common-name and alt-names with other names", policy: POLICY.ingressHosts, namespace: TEAM, object: { ...postfactoIngress(TEAM, CURRENT), metadata: { name: 'web', namespace: TEAM, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-production', 'cert-manager.io/common-name': CURRENT, 'cert-manager.io/alt-names': `${CURRENT},*.${CURRENT}` } } }, refused: [WILDCARD, ANNOTATED] },
  { name: 'spaces in a name annotation (external-dns strips them, cert-manager does not)', policy: POLICY.ingressHosts, namespace: TEAM, object: { ...postfactoIngress(TEAM, CURRENT), metadata: { name: 'web', namespace: TEAM, annotations: { 'external-dns.alpha.kubernetes.io/hostname': ` ${CURRENT}` } } }, refused: [ANNOTATED] },
  { name: 'an Ingress in a namespace that serves no host (cert-manager)', policy: POLICY.ingressHosts, namespace: 'cert-manager', object: postfactoIngress('cert-manager', CURRENT), refused: [RULES, TLS] },
  { name: 'an Ingress in a namespace Slipway does not know', policy: POLICY.ingressHosts, namespace: 'team-x', object: postfactoIngress('team-x', 'team-x.example.org'), refused: [RULES, TLS] },
  { name: "cert-manager's HTTP-01 solver Ingress for the namespace's own host", policy: POLICY.ingressHosts, namespace: TEAM, object: solverIngress(TEAM, CURRENT), refused: [] },
  { name: "cert-manager's HTTP-01 solver for Grafana's Certificate in monitoring", policy: POLICY.ingressHosts, namespace: 'monitoring', object: solverIngress('monitoring', GRAFANA), refused: [] },
  { name: 'an HTTP-01 solver Ingress for a host of another namespace (an Issuer of the team)', policy: POLICY.ingressHosts, namespace: TEAM, object: solverIngress(TEAM, GRAFANA), refused: [RULES] },
  // Certificate
  { name: 'a Certificate from the ClusterIssuer for the namespace\'s host (what ingress-shim makes)', policy: POLICY.certificateHosts, namespace: TEAM, object: certificate(TEAM, { dnsNames: [CURRENT] }), refused: [] },
  { name: 'a Certificate for another team\'s host', policy: POLICY.certificateHosts, namespace: TEAM, object: certificate(TEAM, { dnsNames: [CURRENT, PREVIOUS] }), refused: [CERT_NAMES] },
  { name: 'a Certificate whose common name is another host', policy: POLICY.certificateHosts, namespace: TEAM, object: certificate(TEAM, { commonName: GRAFANA, dnsNames: [CURRENT] }), refused: [CERT_NAMES] },
  { name: 'a wildcard Certificate from the ClusterIssuer', policy: POLICY.certificateHosts, namespace: TEAM, object: certificate(TEAM, { dnsNames: [`*.${CURRENT}`] }), refused: [WILDCARD, CERT_NAMES] },
  { name: 'an IP address SAN', policy: POLICY.certificateHosts, namespace: TEAM, object: certificate(TEAM, { dnsNames: [CURRENT], ipAddresses: ['20.1.2.3'] }), refused: [OTHER_SANS] },
  { name: 'empty SAN lists', policy: POLICY.certificateHosts, namespace: TEAM, object: certificate(TEAM, { dnsNames: [CURRENT], uris: [], emailAddresses: [] }), refused: [] },
  { name: 'the ClusterIssuer named without its group (the default group)', policy: POLICY.certificateHosts, namespace: TEAM, object: certificate(TEAM, { dnsNames: [PREVIOUS] }, { name: 'letsencrypt-production', kind: 'ClusterIssuer' }), refused: [CERT_NAMES] },
  { name: "a Certificate from the team's own Issuer (namespaced: out of scope)", policy: POLICY.certificateHosts, namespace: TEAM, object: certificate(TEAM, { dnsNames: ['web.postfacto.svc.cluster.local'] }, { name: 'self-signed', kind: 'Issuer' }), refused: [], skipped: true },
  { name: 'a Certificate whose issuerRef has no kind (an Issuer)', policy: POLICY.certificateHosts, namespace: TEAM, object: certificate(TEAM, { dnsNames: ['internal.example'] }, { name: 'ca' }), refused: [], skipped: true },
  { name: 'a ClusterIssuer of an external issuer group', policy: POLICY.certificateHosts, namespace: TEAM, object: certificate(TEAM, { dnsNames: ['internal.example'] }, { name: 'pca', kind: 'ClusterIssuer', group: 'awspca.cert-manager.io' }), refused: [], skipped: true },
  // CertificateRequest
  { name: "cert-manager's controller requesting from the ClusterIssuer", policy: POLICY.certificateRequests, namespace: TEAM, object: certificateRequest(TEAM, { name: 'letsencrypt-production', kind: 'ClusterIssuer', group: 'cert-manager.io' }), username: CERT_MANAGER_USER, refused: [] },
  { name: 'a person requesting from the ClusterIssuer with a CSR of their own', policy: POLICY.certificateRequests, namespace: TEAM, object: certificateRequest(TEAM, { name: 'letsencrypt-production', kind: 'ClusterIssuer', group: 'cert-manager.io' }), username: TEAM_USER, refused: [/made by cert-manager/] },
  { name: "a person requesting from the team's Issuer", policy: POLICY.certificateRequests, namespace: TEAM, object: certificateRequest(TEAM, { name: 'ca', kind: 'Issuer' }), username: TEAM_USER, refused: [], skipped: true },
  // Service
  { name: "ingress-nginx's LoadBalancer in its namespace", policy: POLICY.serviceExposure, namespace: 'ingress-nginx', object: service('ingress-nginx', { type: 'LoadBalancer' }, { 'external-dns.alpha.kubernetes.io/hostname': CURRENT }), refused: [] },
  { name: 'a LoadBalancer in a team namespace', policy: POLICY.serviceExposure, namespace: TEAM, object: service(TEAM, { type: 'LoadBalancer' }), refused: [/LoadBalancer are for/] },
  { name: 'a ClusterIP Service external-dns would publish (internal-hostname)', policy: POLICY.serviceExposure, namespace: TEAM, object: service(TEAM, { type: 'ClusterIP' }, { 'external-dns.alpha.kubernetes.io/internal-hostname': PREVIOUS }), refused: [/external-dns/] },
  { name: 'an ExternalName Service with a hostname annotation (a CNAME in the zone)', policy: POLICY.serviceExposure, namespace: TEAM, object: service(TEAM, { type: 'ExternalName', externalName: 'attacker.example.org' }, { 'external-dns.alpha.kubernetes.io/hostname': `login.${CURRENT}` }), refused: [/external-dns/] },
  { name: 'a Service without a type (ClusterIP)', policy: POLICY.serviceExposure, namespace: TEAM, object: service(TEAM, {}), refused: [] },
  { name: "cert-manager's HTTP-01 solver Service (NodePort)", policy: POLICY.serviceExposure, namespace: TEAM, object: solverService(TEAM), refused: [] },
];

const resources: Record<string, { group: string; resource: string }> = {
  Ingress: { group: 'networking.k8s.io', resource: 'ingresses' },
  Certificate: { group: 'cert-manager.io', resource: 'certificates' },
  CertificateRequest: { group: 'cert-manager.io', resource: 'certificaterequests' },
  Service: { group: '', resource: 'services' },
};

describe('the policies on sample requests: CEL as the API server runs it, and its TypeScript twin', () => {
  it.each(samples)('$policy: $name', (s) => {
    const { group, resource } = resources[s.object.kind]!;
    const request = { object: s.object, namespace: s.namespace, operation: s.operation ?? ('CREATE' as const), username: s.username ?? TEAM_USER };
    const spec = specOf(s.policy);
    const verdict = evaluatePolicy(policyObject(s.policy), { ...request, group, resource });
    expect(verdict.applies).toBe(!s.skipped);
    const cel = verdict.applies ? verdict.denials : [];
    // No expression errors on a well-formed object: a refusal is a rule saying no, not failurePolicy.
    expect(cel.filter((d) => d.error)).toEqual([]);
    const celMessages = cel.map((d) => spec.rules[d.validation]!.message);
    const twin = denials(spec, request, group, s.object.kind);
    expect(twin).toEqual(celMessages);
    expect(twin).toHaveLength(s.refused.length);
    s.refused.forEach((pattern, i) => expect(twin[i]).toMatch(pattern));
  });

  it('say in the refusal which hosts are wrong and which the namespace serves', () => {
    const verdict = evaluatePolicy(policyObject(POLICY.ingressHosts), { group: 'networking.k8s.io', resource: 'ingresses', operation: 'CREATE', namespace: TEAM, username: TEAM_USER, object: postfactoIngress(TEAM, PREVIOUS) });
    expect(verdict.applies && verdict.denials.map((d) => d.message)[0]).toBe(`Ingress rules name ${PREVIOUS}; namespace ${TEAM} serves ${CURRENT}.`);
    const none = evaluatePolicy(policyObject(POLICY.certificateHosts), { group: 'cert-manager.io', resource: 'certificates', operation: 'CREATE', namespace: 'velero', username: TEAM_USER, object: certificate('velero', { dnsNames: [CURRENT] }) });
    expect(none.applies && none.denials.map((d) => d.message)).toEqual([`Certificate names ${CURRENT}; namespace velero serves no host.`]);
  });

  it('leave DELETE and the status subresource alone', () => {
    for (const p of policies.filter((o) => o.kind === 'ValidatingAdmissionPolicy')) {
      const rules = (p.spec as { matchConstraints: { resourceRules: Array<{ operations: string[]; resources: string[] }> } }).matchConstraints.resourceRules;
      for (const r of rules) {
        expect(r.operations).not.toContain('DELETE');
        expect(r.resources.every((x) => !x.includes('/'))).toBe(true);
      }
    }
    expect(evaluatePolicy(policyObject(POLICY.ingressHosts), { group: 'networking.k8s.io', resource: 'ingresses', operation: 'DELETE', namespace: TEAM, username: TEAM_USER, object: postfactoIngress(TEAM, PREVIOUS) }).applies).toBe(false);
  });

  it('cover every rule of every policy with a sample that breaks it', () => {
    const broken = new Set(samples.flatMap((s) => denials(specOf(s.policy), { object: s.object, namespace: s.namespace, operation: s.operation ?? 'CREATE', username: s.username ?? TEAM_USER }, resources[s.object.kind]!.group, s.object.kind).map((m) => `${s.policy}: ${m}`)));
    for (const spec of specs) for (const rule of spec.rules) expect(broken.has(`${spec.name}: ${rule.message}`), `${spec.name}: ${rule.message}`).toBe(true);
  });

  it('check the names every name annotation adds, the ones cert-manager, external-dns and ingress-nginx read', () => {
    for (const annotation of NAME_ANNOTATIONS) {
      const object = { ...postfactoIngress(TEAM, CURRENT), metadata: { name: 'web', namespace: TEAM, annotations: { [annotation]: PREVIOUS } } };
      const verdict = evaluatePolicy(policyObject(POLICY.ingressHosts), { group: 'networking.k8s.io', resource: 'ingresses', operation: 'CREATE', namespace: TEAM, username: TEAM_USER, object });
      expect(verdict.applies && verdict.denials.map((d) => d.validation), annotation).toEqual([5]);
    }
  });
});

/**
 * The CEL library of Kubernetes 1.30, the first release with ValidatingAdmissionPolicy v1
 * (k8s.io/apiserver pkg/cel/environment/base.go): the CEL standard definitions and macros, ext.Strings
 * at version 2 (from 1.29: split and join are version 0), the Kubernetes lists, regex, URL, authz,
 * quantity, IP and CIDR libraries. The policies use only this subset, so they compile on every
 * Kubernetes from 1.30, AKS's oldest supported included.
 */
const KUBERNETES_1_30_FUNCTIONS = new Set(['all', 'contains', 'endsWith', 'exists', 'filter', 'has', 'join', 'map', 'size', 'split', 'startsWith']);

describe('the CEL of the policies', () => {
  const expressions = policies
    .filter((o) => o.kind === 'ValidatingAdmissionPolicy')
    .flatMap((p) => {
      const spec = p.spec as { matchConditions?: Array<{ expression: string }>; variables: Array<{ expression: string }>; validations: Array<{ expression: string; messageExpression?: string }> };
      const all = [
        ...(spec.matchConditions ?? []).map((c) => c.expression),
        ...spec.variables.map((v) => v.expression),
        ...spec.validations.flatMap((v) => [v.expression, ...(v.messageExpression ? [v.messageExpression] : [])]),
      ];
      return all.map((expression) => ({ policy: p.metadata.name, expression }));
    });

  it.each(expressions)('$policy: $expression parses, type-checks and calls only what Kubernetes 1.30 offers', ({ expression }) => {
    expect(typeCheck(expression).valid, String(typeCheck(expression).error)).toBe(true);
    expect(functionsOf(expression).filter((f) => !KUBERNETES_1_30_FUNCTIONS.has(f))).toEqual([]);
  });

  it('reads a Namespace annotation nowhere: the allowed hosts live in the policy, out of reach of `patch namespaces`', () => {
    expect(expressions.filter((e) => e.expression.includes('namespaceObject') || e.expression.includes('params'))).toEqual([]);
  });
});
