// VERIFY_REFERENCE_INGRESS_BACKEND / _INGRESS_CLASS / _ISSUER, and the TLS Secret of each Ingress
// (VERIFY_REFERENCE_SECRET): an Ingress routes to an existing Service and a port that Service
// exposes (by number or name), is served by an IngressClass the render has, names a cert-manager
// issuer that exists, and has its TLS Secret from the render or from cert-manager.
import { objectId, type Check, type VerifyFinding } from '../types.ts';
import { indexOf } from './model/cluster.ts';
import { at, maps, text } from './model/data.ts';
import { externalObject } from './model/external.ts';
import { finding } from './model/finding.ts';
import { backendsOf, classOf, issuerObject, issuerOf } from './model/ingress.ts';
import { REFERENCE_SECRET } from './reference-pod-inputs.ts';

export const REFERENCE_INGRESS_BACKEND = 'VERIFY_REFERENCE_INGRESS_BACKEND';
export const REFERENCE_INGRESS_CLASS = 'VERIFY_REFERENCE_INGRESS_CLASS';
export const REFERENCE_ISSUER = 'VERIFY_REFERENCE_ISSUER';

export const ingressCheck: Check = (state) => {
  const index = indexOf(state);
  const out: VerifyFinding[] = [];
  for (const r of index.ofKind('Ingress')) {
    const o = r.object;
    const ns = o.metadata.namespace ?? 'default';
    const id = objectId(o);
    for (const b of backendsOf(o)) {
      const service = index.get('Service', ns, b.service);
      const route = `${b.host ? `${b.host} ` : ''}${b.field}`;
      if (!service) {
        out.push(
          finding(state, r, {
            code: REFERENCE_INGRESS_BACKEND,
            severity: 'error',
            message: `${id} routes ${route} to Service ${ns}/${b.service}, which the render does not create; the controller answers 503 there.`,
            hint: 'Name the Service the release renders (its name after fullnameOverride and identifiers).',
          }),
        );
        continue;
      }
      const ports = maps(at(service.object, 'spec', 'ports'));
      const exposed = typeof b.port === 'number' ? ports.some((p) => p.port === b.port) : ports.some((p) => p.name === b.port);
      if (!exposed) {
        const list = ports.map((p) => `${text(p.name) ?? '(unnamed)'} ${String(p.port)}`).join(', ') || 'none';
        out.push(
          finding(state, r, {
            code: REFERENCE_INGRESS_BACKEND,
            severity: 'error',
            message: `${id} routes ${route} to port ${String(b.port ?? '(none)')} of Service ${ns}/${b.service}, which exposes ${list}; the controller answers 503 there.`,
            hint: 'Use a port name or number the Service exposes.',
          }),
        );
      }
    }

    const ingressClass = classOf(index, o);
    if (!ingressClass.object) {
      out.push(
        finding(state, r, {
          code: REFERENCE_INGRESS_CLASS,
          severity: 'error',
          message: ingressClass.name
            ? `${id} asks for IngressClass ${ingressClass.name}, which the render does not create; no controller serves it.`
            : `${id} names no IngressClass and the render has no default class; no controller serves it.`,
          hint: 'Set spec.ingressClassName to the class the ingress controller release creates.',
        }),
      );
    }

    const issuer = issuerOf(o);
    if (issuer && !issuerObject(index, o)) {
      out.push(
        finding(state, r, {
          code: REFERENCE_ISSUER,
          severity: 'error',
          message: `${id} asks cert-manager for a certificate from ${issuer.kind} ${issuer.name}, which the render does not create; no certificate is issued and its TLS Secret never exists.`,
          hint: `Name one of the issuers the render creates (${index.ofKind('ClusterIssuer').map((c) => c.object.metadata.name).join(', ') || 'none'}).`,
        }),
      );
    }

    for (const [i, tls] of maps(at(o, 'spec', 'tls')).entries()) {
      const secret = text(tls.secretName);
      if (!secret || index.get('Secret', ns, secret) || externalObject(index, 'Secret', ns, secret)) continue;
      out.push(
        finding(state, r, {
          code: REFERENCE_SECRET,
          severity: 'error',
          message: `${id} serves TLS from Secret ${ns}/${secret} (spec.tls[${i}]), which neither the render nor cert-manager creates (the Ingress has no cert-manager.io issuer annotation); the controller serves its self-signed default certificate.`,
          hint: 'Add the cert-manager.io/cluster-issuer annotation to the Ingress, or render the Secret.',
        }),
      );
    }
  }
  return out;
};
