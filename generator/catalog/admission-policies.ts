// Hostnames, certificates and load balancers belong to their namespace (issue 18.5), enforced by the
// API server itself with ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1, GA since
// Kubernetes 1.30, no controller to run): "At least a ValidatingAdmissionPolicy and a corresponding
// ValidatingAdmissionPolicyBinding must be defined for a policy to have an effect"
// (kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/).
//
//   slipway-ingress-hosts         an Ingress names only hosts its namespace serves: rules, TLS hosts and
//                                 the annotations that add names (cert-manager's ingress-shim,
//                                 external-dns, ingress-nginx's server-alias); no wildcard, no rule
//                                 without a host, no spec.defaultBackend (a catch-all).
//   slipway-certificate-hosts     a Certificate issued by a ClusterIssuer names only hosts its namespace
//                                 serves, no wildcard, and no IP, URI, e-mail or other SAN.
//   slipway-certificate-requests  a CertificateRequest for a ClusterIssuer comes from cert-manager's
//                                 controller (out of a Certificate the policy above admitted): a CSR is
//                                 opaque to CEL, so a hand-made request could name anything.
//   slipway-service-exposure      Services of type LoadBalancer, and Services external-dns would publish
//                                 (its annotations), only in the ingress namespace.
//
// Where the allowed hosts live. Three designs were weighed:
//   1. an annotation on each Namespace, read through `namespaceObject` (the docs' own example,
//      examples/access/image-matches-namespace-environment.policy.yaml, reads a namespace label);
//   2. a params object (a ConfigMap in a platform namespace, paramKind + paramRef: "if namespace is
//      not specified in the ValidatingAdmissionPolicyBinding, the API server can search for relevant
//      parameters in the namespace that a request is against", which would hand the allow-list to
//      whoever edits that namespace, so it must be pinned to a platform namespace);
//   3. the map namespace -> hosts written into the policy itself, as a CEL literal.
// This file takes 3. The policy is cluster-scoped: only who may write admissionregistration.k8s.io
// objects (cluster administrators, Flux) can change what a namespace may serve, and the rule and its
// data are one object, changed atomically and reviewed in one diff. With 1, the data sits on objects
// that other controllers and anyone with `patch namespaces` may edit, and a host moving between
// namespaces is two updates; with 2, a namespaced ConfigMap must exist before the binding works
// (parameterNotFoundAction) and whoever can edit that namespace's ConfigMaps edits the allow-list. The
// literal is JSON, so `slipway verify` reads back exactly what the cluster enforces
// (policyParameters below).
//
// Every namespace is in scope, platform ones included: each is held to the hosts its release serves
// (monitoring: Grafana's; ingress-nginx, cert-manager, velero, external-dns: none). cert-manager's
// HTTP-01 solver keeps working: it creates its Ingress in the namespace of the Challenge, that is of
// the Certificate, for the host being validated (cert-manager v1.21.1 pkg/issuer/acme/http/ingress.go
// buildIngressResource: Namespace ch.Namespace, one rule with Host ch.Spec.DNSName), a host that
// namespace's Certificate was admitted for; its Service is a NodePort by default (service.go), never
// a LoadBalancer, and carries no external-dns annotation.
//
// What the policies cannot see: DELETE (not matched), and objects that existed before them (an UPDATE
// of such an object must comply). Namespaced Issuers stay free: cert-manager refuses ambient
// credentials (the workload identity of its DNS-01 solver) to Issuers unless
// --issuer-ambient-credentials is set (pkg/issuer/acme/dns/azuredns/azuredns.go getAuthorization,
// v1.21.1), so an Issuer in a team's namespace can only prove names over HTTP-01, through an Ingress
// that slipway-ingress-hosts checks.
import type { KubeObject } from './types.ts';

export const POLICY = {
  ingressHosts: 'slipway-ingress-hosts',
  certificateHosts: 'slipway-certificate-hosts',
  certificateRequests: 'slipway-certificate-requests',
  serviceExposure: 'slipway-service-exposure',
} as const;
export type PolicyName = (typeof POLICY)[keyof typeof POLICY];

/** What the policies are built from; written into them as JSON literals and read back by verify. */
export interface AdmissionParameters {
  /** Hosts each namespace serves (namespaces serving none are left out: they may name no host). */
  readonly served: Readonly<Record<string, readonly string[]>>;
  /** The only namespace that may hold LoadBalancer Services and Services external-dns publishes. */
  readonly ingressNamespace: string;
  /** The user cert-manager's controller acts as: system:serviceaccount:<namespace>:<name>. */
  readonly certManagerUser: string;
}

/** Annotations of an Ingress that add names, each a comma-separated list. */
export const NAME_ANNOTATIONS = [
  // cert-manager's ingress-shim: the Certificate's commonName and extra dnsNames
  // (pkg/apis/certmanager/v1/types.go CommonNameAnnotationKey, AltNamesAnnotationKey).
  'cert-manager.io/alt-names',
  'cert-manager.io/common-name',
  // external-dns: records for these names too, beside the Ingress's hosts (docs/annotations).
  'external-dns.alpha.kubernetes.io/hostname',
  // ingress-nginx: more server_name entries for the Ingress's server (annotations.md "Server Alias").
  'nginx.ingress.kubernetes.io/server-alias',
] as const;

/** Subject alternative names of a Certificate besides DNS names (cert-manager.io/v1 CertificateSpec). */
const OTHER_SANS = ['ipAddresses', 'uris', 'emailAddresses', 'otherNames'] as const;

/** Annotations external-dns reads; a Service carrying one outside the ingress namespace is refused. */
export const EXTERNAL_DNS_ANNOTATION_PREFIX = 'external-dns.alpha.kubernetes.io/';

// ---------------------------------------------------------------- the policies, CEL and TypeScript

/** An admission request as a policy sees it: the object after the change, where, how and by whom. */
export interface AdmissionRequest {
  readonly object: Readonly<Record<string, unknown>>;
  readonly namespace: string;
  readonly operation: 'CREATE' | 'UPDATE';
  readonly username: string;
}

interface Rule {
  readonly expression: string;
  /** Shown when messageExpression cannot be evaluated; one line (the API server refuses line breaks). */
  readonly message: string;
  readonly messageExpression?: string;
  /** The same rule in TypeScript: what `slipway verify` applies to rendered objects (tests hold both to the same answers). */
  readonly admits: (request: AdmissionRequest) => boolean;
}

interface Condition {
  readonly name: string;
  readonly expression: string;
  readonly matches: (request: AdmissionRequest) => boolean;
}

export interface PolicySpec {
  readonly name: PolicyName;
  readonly description: string;
  readonly group: string;
  readonly resource: string;
  readonly kind: string;
  readonly operations: ReadonlyArray<'CREATE' | 'UPDATE'>;
  readonly conditions: readonly Condition[];
  readonly variables: ReadonlyArray<{ readonly name: string; readonly expression: string }>;
  readonly rules: readonly Rule[];
}

// Small readers of untyped objects, with CEL's has() semantics (present and not null).
type Data = Readonly<Record<string, unknown>>;
const field = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Data)[k] : undefined), o);
const has = (o: unknown, ...path: string[]) => field(o, ...path) !== undefined && field(o, ...path) !== null;
const items = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => items(v).filter((x): x is string => typeof x === 'string');
const annotationsOf = (o: unknown): Readonly<Record<string, string>> => (field(o, 'metadata', 'annotations') as Record<string, string> | undefined) ?? {};

/** A CEL literal (string, list or map of strings) is JSON: the policy and verify read the same value. */
const literal = (value: unknown) => JSON.stringify(value);

const allowedOf = (p: AdmissionParameters, namespace: string) => p.served[namespace] ?? [];
const isWildcard = (h: string) => h.includes('*');

/** Hosts of an Ingress: its rules' (empty for a rule without one), its TLS entries', the name annotations'. */
export function ingressNames(object: unknown) {
  const annotations = annotationsOf(object);
  return {
    rules: items(field(object, 'spec', 'rules')).map((r) => (has(r, 'host') ? String(field(r, 'host')) : '')),
    tls: items(field(object, 'spec', 'tls')).map((t) => strings(field(t, 'hosts'))),
    annotated: NAME_ANNOTATIONS.filter((k) => k in annotations).map((k) => String(annotations[k]).split(',')),
  };
}

// Shared CEL variables: the served map, the hosts of the request's namespace, and that list as text.
const hostVariables = (p: AdmissionParameters) => [
  { name: 'served', expression: literal(sortedServed(p.served)) },
  { name: 'allowed', expression: 'request.namespace in variables.served ? variables.served[request.namespace] : []' },
  { name: 'serves', expression: "size(variables.allowed) == 0 ? 'no host' : variables.allowed.join(', ')" },
];
const servesSuffix = "'; namespace ' + request.namespace + ' serves ' + variables.serves + '.'";

/** The ClusterIssuer condition of the cert-manager policies: issuerRef kind ClusterIssuer in cert-manager's group (the default group). */
const clusterIssuerCondition: Condition = {
  name: 'cluster-issuer',
  expression:
    "has(object.spec) && has(object.spec.issuerRef) && has(object.spec.issuerRef.kind) && object.spec.issuerRef.kind == 'ClusterIssuer' && (!has(object.spec.issuerRef.group) || object.spec.issuerRef.group in ['', 'cert-manager.io'])",
  matches: ({ object }) => field(object, 'spec', 'issuerRef', 'kind') === 'ClusterIssuer' && ['', 'cert-manager.io', undefined, null].includes(field(object, 'spec', 'issuerRef', 'group') as string),
};

export function policySpecs(p: AdmissionParameters): PolicySpec[] {
  const allowed = (r: AdmissionRequest) => allowedOf(p, r.namespace);
  const certificateNames = (o: unknown) => [...strings(field(o, 'spec', 'dnsNames')), ...(has(o, 'spec', 'commonName') ? [String(field(o, 'spec', 'commonName'))] : [])];
  return [
    {
      name: POLICY.ingressHosts,
      description: 'An Ingress names only the hosts its namespace serves (rules, TLS, name annotations); no wildcard, no rule without a host, no default backend.',
      group: 'networking.k8s.io',
      resource: 'ingresses',
      kind: 'Ingress',
      operations: ['CREATE', 'UPDATE'],
      conditions: [],
      variables: [
        ...hostVariables(p),
        { name: 'ruleHosts', expression: "has(object.spec.rules) ? object.spec.rules.map(r, has(r.host) ? r.host : '') : []" },
        { name: 'tlsHosts', expression: 'has(object.spec.tls) ? object.spec.tls.map(t, has(t.hosts) ? t.hosts : []) : []' },
        { name: 'annotations', expression: 'has(object.metadata.annotations) ? object.metadata.annotations : {}' },
        { name: 'annotatedHosts', expression: `${literal(NAME_ANNOTATIONS)}.filter(k, k in variables.annotations).map(k, variables.annotations[k].split(','))` },
      ],
      rules: [
        {
          // ingress-nginx serves the backend of an Ingress without rules as its catch-all server "_".
          expression: '!has(object.spec.defaultBackend)',
          message: 'An Ingress may not set spec.defaultBackend: ingress-nginx would serve it for every host no Ingress names.',
          admits: ({ object }) => !has(object, 'spec', 'defaultBackend'),
        },
        {
          expression: "variables.ruleHosts.all(h, h != '')",
          message: 'Every rule of an Ingress names its host: a rule without one matches every host.',
          admits: ({ object }) => ingressNames(object).rules.every((h) => h !== ''),
        },
        {
          expression: "variables.ruleHosts.all(h, !h.contains('*')) && variables.tlsHosts.all(l, l.all(h, !h.contains('*'))) && variables.annotatedHosts.all(l, l.all(h, !h.contains('*')))",
          message: 'An Ingress may not name a wildcard host.',
          admits: ({ object }) => {
            const n = ingressNames(object);
            return [n.rules, ...n.tls, ...n.annotated].every((l) => !l.some(isWildcard));
          },
        },
        {
          expression: "variables.ruleHosts.all(h, h == '' || h in variables.allowed)",
          message: "An Ingress's rules name only hosts its namespace serves.",
          messageExpression: `'Ingress rules name ' + variables.ruleHosts.filter(h, h != '' && !(h in variables.allowed)).join(', ') + ${servesSuffix}`,
          admits: (r) => ingressNames(r.object).rules.every((h) => h === '' || allowed(r).includes(h)),
        },
        {
          expression: 'variables.tlsHosts.all(l, l.all(h, h in variables.allowed))',
          message: "An Ingress's TLS hosts are hosts its namespace serves.",
          messageExpression: `'Ingress TLS hosts must be hosts the namespace serves' + ${servesSuffix}`,
          admits: (r) => ingressNames(r.object).tls.every((l) => l.every((h) => allowed(r).includes(h))),
        },
        {
          expression: 'variables.annotatedHosts.all(l, l.all(h, h in variables.allowed))',
          message: `The annotations ${NAME_ANNOTATIONS.join(', ')} name only hosts the namespace serves, separated by commas without spaces.`,
          messageExpression: `'The annotations ${NAME_ANNOTATIONS.join(', ')} must list only hosts the namespace serves, separated by commas without spaces' + ${servesSuffix}`,
          admits: (r) => ingressNames(r.object).annotated.every((l) => l.every((h) => allowed(r).includes(h))),
        },
      ],
    },
    {
      name: POLICY.certificateHosts,
      description: 'A Certificate from a ClusterIssuer names only the hosts its namespace serves: DNS names and common name, no wildcard, no other kind of SAN.',
      group: 'cert-manager.io',
      resource: 'certificates',
      kind: 'Certificate',
      operations: ['CREATE', 'UPDATE'],
      conditions: [clusterIssuerCondition],
      variables: [
        ...hostVariables(p),
        { name: 'names', expression: '(has(object.spec.dnsNames) ? object.spec.dnsNames : []) + (has(object.spec.commonName) ? [object.spec.commonName] : [])' },
      ],
      rules: [
        {
          expression: "variables.names.all(h, !h.contains('*'))",
          message: 'A Certificate from a ClusterIssuer may not name a wildcard.',
          admits: ({ object }) => !certificateNames(object).some(isWildcard),
        },
        {
          expression: 'variables.names.all(h, h in variables.allowed)',
          message: 'A Certificate from a ClusterIssuer names only hosts its namespace serves.',
          messageExpression: `'Certificate names ' + variables.names.filter(h, !(h in variables.allowed)).join(', ') + ${servesSuffix}`,
          admits: (r) => certificateNames(r.object).every((h) => allowedOf(p, r.namespace).includes(h)),
        },
        {
          expression: OTHER_SANS.map((f) => `(!has(object.spec.${f}) || size(object.spec.${f}) == 0)`).join(' && '),
          message: 'A Certificate from a ClusterIssuer names hosts only: no ipAddresses, uris, emailAddresses or otherNames.',
          admits: ({ object }) => OTHER_SANS.every((f) => items(field(object, 'spec', f)).length === 0),
        },
      ],
    },
    {
      name: POLICY.certificateRequests,
      description: "A CertificateRequest for a ClusterIssuer comes from cert-manager's controller, out of a Certificate the certificate policy admitted.",
      group: 'cert-manager.io',
      resource: 'certificaterequests',
      kind: 'CertificateRequest',
      operations: ['CREATE'],
      conditions: [clusterIssuerCondition],
      variables: [{ name: 'certManager', expression: literal(p.certManagerUser) }],
      rules: [
        {
          expression: 'request.userInfo.username == variables.certManager',
          message: "CertificateRequests for a ClusterIssuer are made by cert-manager from a Certificate: create a Certificate (or an Ingress with TLS) instead.",
          admits: (r) => r.username === p.certManagerUser,
        },
      ],
    },
    {
      name: POLICY.serviceExposure,
      description: 'Services of type LoadBalancer, and Services with external-dns annotations, only in the ingress namespace.',
      group: '',
      resource: 'services',
      kind: 'Service',
      operations: ['CREATE', 'UPDATE'],
      conditions: [],
      variables: [{ name: 'ingressNamespace', expression: literal(p.ingressNamespace) }],
      rules: [
        {
          expression: "request.namespace == variables.ingressNamespace || !has(object.spec.type) || object.spec.type != 'LoadBalancer'",
          message: `Services of type LoadBalancer are for the ingress controller's namespace only (${p.ingressNamespace}): publish through an Ingress.`,
          admits: (r) => r.namespace === p.ingressNamespace || field(r.object, 'spec', 'type') !== 'LoadBalancer',
        },
        {
          expression: `request.namespace == variables.ingressNamespace || !has(object.metadata.annotations) || !object.metadata.annotations.exists(k, k.startsWith(${literal(EXTERNAL_DNS_ANNOTATION_PREFIX)}))`,
          message: `Only Services in ${p.ingressNamespace} carry ${EXTERNAL_DNS_ANNOTATION_PREFIX} annotations: external-dns would publish any other in the zone.`,
          admits: (r) => r.namespace === p.ingressNamespace || !Object.keys(annotationsOf(r.object)).some((k) => k.startsWith(EXTERNAL_DNS_ANNOTATION_PREFIX)),
        },
      ],
    },
  ];
}

/** Namespaces and their hosts in a stable order: the same environment always renders the same policy. */
function sortedServed(served: AdmissionParameters['served']): Record<string, string[]> {
  const safe = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
  const out: Record<string, string[]> = {};
  for (const namespace of Object.keys(served).sort()) {
    const hosts = [...new Set(served[namespace])].sort();
    // Written into CEL as literals: only DNS names and labels, nothing to escape.
    for (const name of [namespace, ...hosts]) if (!safe.test(name)) throw new Error(`"${name}" is not a DNS name; it cannot go into an admission policy.`);
    if (hosts.length > 0) out[namespace] = hosts;
  }
  return out;
}

// ---------------------------------------------------------------- the Kubernetes objects

const API_VERSION = 'admissionregistration.k8s.io/v1';

function policyObject(spec: PolicySpec): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: spec.name, annotations: { 'slipway.io/description': spec.description } },
    spec: {
      // An expression that cannot be evaluated refuses the request rather than letting it through.
      failurePolicy: 'Fail',
      matchConstraints: {
        // A request in another version of the resource is converted to v1 before the expressions see it.
        matchPolicy: 'Equivalent',
        resourceRules: [{ apiGroups: [spec.group], apiVersions: ['v1'], operations: [...spec.operations], resources: [spec.resource] }],
      },
      ...(spec.conditions.length > 0 && { matchConditions: spec.conditions.map(({ name, expression }) => ({ name, expression })) }),
      variables: spec.variables.map(({ name, expression }) => ({ name, expression })),
      validations: spec.rules.map(({ expression, message, messageExpression }) => ({ expression, message, ...(messageExpression && { messageExpression }), reason: 'Forbidden' })),
    },
  };
}

/** The binding that puts a policy in force, in every namespace ("Deny": the request fails). */
const bindingObject = (spec: PolicySpec): KubeObject => ({
  apiVersion: API_VERSION,
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: spec.name },
  spec: { policyName: spec.name, validationActions: ['Deny'] },
});

/** Every policy with its binding, policy first. */
export const admissionPolicies = (p: AdmissionParameters): KubeObject[] => policySpecs(p).flatMap((s) => [policyObject(s), bindingObject(s)]);

// ---------------------------------------------------------------- reading them back (verify)

const variable = (policy: KubeObject, name: string) =>
  items(field(policy, 'spec', 'variables')).find((v) => field(v, 'name') === name) as { expression?: unknown } | undefined;

/** The parameters a rendered policy was built with, from its JSON-literal variables; undefined when it is not one of Slipway's. */
export function policyParameters(policy: KubeObject): AdmissionParameters | undefined {
  if (!(Object.values(POLICY) as string[]).includes(policy.metadata.name)) return undefined;
  const read = (name: string) => {
    const v = variable(policy, name);
    if (typeof v?.expression !== 'string') return undefined;
    try {
      return JSON.parse(v.expression) as unknown;
    } catch {
      return undefined;
    }
  };
  const served = read('served');
  const ingressNamespace = read('ingressNamespace');
  const certManager = read('certManager');
  return {
    served: served && typeof served === 'object' && !Array.isArray(served) ? (served as Record<string, string[]>) : {},
    ingressNamespace: typeof ingressNamespace === 'string' ? ingressNamespace : '',
    certManagerUser: typeof certManager === 'string' ? certManager : '',
  };
}

/** Why the policy refuses a request: the messages of the rules it breaks; [] when it admits it or does not apply. */
export function denials(spec: PolicySpec, request: AdmissionRequest, apiGroup: string, kind: string): string[] {
  if (apiGroup !== spec.group || kind !== spec.kind || !spec.operations.includes(request.operation)) return [];
  if (!spec.conditions.every((c) => c.matches(request))) return [];
  return spec.rules.filter((r) => !r.admits(request)).map((r) => r.message);
}
