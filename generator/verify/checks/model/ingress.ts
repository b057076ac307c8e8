// Ingresses as the checks read them: their backends, their class, their issuer.
import type { KubeObject } from '../../../catalog/types.ts';
import type { RenderedObject } from '../../types.ts';
import type { ClusterIndex } from './cluster.ts';
import { at, isMap, map, maps, text } from './data.ts';

export interface Backend {
  readonly service: string;
  /** Service port by number or by name. */
  readonly port: number | string | undefined;
  /** Field path in the Ingress. */
  readonly field: string;
  readonly host?: string;
}

export function backendsOf(ingress: KubeObject): Backend[] {
  const out: Backend[] = [];
  const add = (backend: unknown, field: string, host?: string) => {
    const service = at(backend, 'service');
    if (!isMap(service) || typeof service.name !== 'string') return;
    const port = map(service.port);
    out.push({ service: service.name, port: typeof port.number === 'number' ? port.number : text(port.name), field, ...(host && { host }) });
  };
  add(at(ingress, 'spec', 'defaultBackend'), 'spec.defaultBackend');
  for (const [i, rule] of maps(at(ingress, 'spec', 'rules')).entries()) {
    for (const [j, path] of maps(at(rule, 'http', 'paths')).entries()) add(path.backend, `spec.rules[${i}].http.paths[${j}].backend`, text(rule.host));
  }
  return out;
}

/** The IngressClass that serves the Ingress: spec.ingressClassName, else the legacy annotation, else the default class. */
export function classOf(index: ClusterIndex, ingress: KubeObject): { name: string | undefined; object: RenderedObject | undefined } {
  const name = text(at(ingress, 'spec', 'ingressClassName')) ?? ingress.metadata.annotations?.['kubernetes.io/ingress.class'];
  if (name) return { name, object: index.get('IngressClass', '', name) };
  const fallback = index.ofKind('IngressClass').find((c) => c.object.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true');
  return { name: fallback?.object.metadata.name, object: fallback };
}

/** The issuer cert-manager's ingress-shim uses for the Ingress (annotations), if any. */
export function issuerOf(ingress: KubeObject): { kind: 'ClusterIssuer' | 'Issuer'; name: string } | undefined {
  const annotations = ingress.metadata.annotations ?? {};
  if (annotations['cert-manager.io/cluster-issuer']) return { kind: 'ClusterIssuer', name: annotations['cert-manager.io/cluster-issuer'] };
  if (annotations['cert-manager.io/issuer']) return { kind: annotations['cert-manager.io/issuer-kind'] === 'ClusterIssuer' ? 'ClusterIssuer' : 'Issuer', name: annotations['cert-manager.io/issuer'] };
  return undefined;
}

export function issuerObject(index: ClusterIndex, ingress: KubeObject): RenderedObject | undefined {
  const issuer = issuerOf(ingress);
  if (!issuer) return undefined;
  return index.get(issuer.kind, issuer.kind === 'ClusterIssuer' ? '' : (ingress.metadata.namespace ?? 'default'), issuer.name);
}
