// VERIFY_REFERENCE_INGRESS_BACKEND / _INGRESS_CLASS / _ISSUER, and an Ingress's TLS Secret.
import { describe } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { ingressCheck, REFERENCE_INGRESS_BACKEND, REFERENCE_INGRESS_CLASS, REFERENCE_ISSUER } from '../../../generator/verify/checks/reference-ingress.ts';
import { REFERENCE_SECRET } from '../../../generator/verify/checks/reference-pod-inputs.ts';
import { checkCases } from './helpers/cases.ts';
import { clusterState, secret, service } from './helpers/state.ts';

const ns = 'postfacto-main';
const ingressClass: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } };
const issuer: KubeObject = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt-staging' }, spec: { acme: { solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }] } } };
const web = service(ns, 'postfacto-main-web', { app: 'web' }, [{ name: 'http', port: 3000 }]);

function ingress(o: { service?: string; port?: Record<string, unknown>; className?: string | null; issuer?: string | null; tls?: string } = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'postfacto-main-web', namespace: ns, ...(o.issuer !== null && { annotations: { 'cert-manager.io/cluster-issuer': o.issuer ?? 'letsencrypt-staging' } }) },
    spec: {
      ...(o.className !== null && { ingressClassName: o.className ?? 'nginx' }),
      rules: [{ host: 'retro.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: o.service ?? 'postfacto-main-web', port: o.port ?? { name: 'http' } } } }] } }],
      tls: [{ hosts: ['retro.example.com'], secretName: o.tls ?? 'postfacto-main-tls' }],
    },
  };
}

describe('Ingress references', () => {
  checkCases(ingressCheck, [
    {
      name: 'a backend Service that does not exist',
      code: REFERENCE_INGRESS_BACKEND,
      broken: () => clusterState([ingressClass, issuer, web, ingress({ service: 'postfacto-web' })]),
      fixed: () => clusterState([ingressClass, issuer, web, ingress()]),
    },
    {
      name: 'a backend port the Service does not expose, by name',
      code: REFERENCE_INGRESS_BACKEND,
      broken: () => clusterState([ingressClass, issuer, web, ingress({ port: { name: 'web' } })]),
      fixed: () => clusterState([ingressClass, issuer, web, ingress({ port: { name: 'http' } })]),
      says: /port web of Service postfacto-main\/postfacto-main-web, which exposes http 3000/,
    },
    {
      name: 'a backend port the Service does not expose, by number',
      code: REFERENCE_INGRESS_BACKEND,
      broken: () => clusterState([ingressClass, issuer, web, ingress({ port: { number: 80 } })]),
      fixed: () => clusterState([ingressClass, issuer, web, ingress({ port: { number: 3000 } })]),
    },
    {
      name: 'an IngressClass nobody creates',
      code: REFERENCE_INGRESS_CLASS,
      broken: () => clusterState([ingressClass, issuer, web, ingress({ className: 'traefik' })]),
      fixed: () => clusterState([ingressClass, issuer, web, ingress({ className: 'nginx' })]),
    },
    {
      name: 'no class and no default class',
      code: REFERENCE_INGRESS_CLASS,
      broken: () => clusterState([ingressClass, issuer, web, ingress({ className: null })]),
      fixed: () => clusterState([{ ...ingressClass, metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } }, issuer, web, ingress({ className: null })]),
    },
    {
      name: 'an issuer the render does not create',
      code: REFERENCE_ISSUER,
      broken: () => clusterState([ingressClass, issuer, web, ingress({ issuer: 'letsencrypt-prod' })]),
      fixed: () => clusterState([ingressClass, issuer, web, ingress({ issuer: 'letsencrypt-staging' })]),
    },
    {
      name: 'a TLS Secret neither rendered nor issued by cert-manager',
      code: REFERENCE_SECRET,
      broken: () => clusterState([ingressClass, web, ingress({ issuer: null })]),
      fixed: () => clusterState([ingressClass, web, ingress({ issuer: null }), secret(ns, 'postfacto-main-tls', { 'tls.crt': '', 'tls.key': '' })]),
      says: /self-signed default certificate/,
    },
  ]);
});
