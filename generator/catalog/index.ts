// The release catalog of an environment, in install order. helmfile and Flux both render from it,
// so the two outputs cannot disagree.
import type { Environment } from '../model/environment.ts';
import { certManager } from './cert-manager.ts';
import { externalDns } from './external-dns.ts';
import { ingressNginx } from './ingress-nginx.ts';
import { kubePrometheusStack } from './kube-prometheus-stack.ts';
import { postfactoReleases } from './postfacto.ts';
import type { Release } from './types.ts';
import { velero } from './velero.ts';

/** Platform controllers (Flux: infrastructure-controllers). */
export function platformReleases(env: Environment): Release[] {
  const backups = velero(env);
  return [kubePrometheusStack(env), ingressNginx(env), certManager(env), externalDns(env), ...(backups ? [backups] : [])];
}

/** Applications (Flux: apps). */
export const appReleases = (env: Environment): Release[] => postfactoReleases(env);

export const releasesOf = (env: Environment): Release[] => [...platformReleases(env), ...appReleases(env)];

/** Releases (by name) resolved to where they are installed. */
export function resolveNeeds(names: readonly string[], all: readonly Release[]): Array<{ name: string; namespace: string }> {
  return names.map((name) => {
    const found = all.find((r) => r.name === name);
    if (!found) throw new Error(`A release needs "${name}", which this environment does not install.`);
    return { name, namespace: found.namespace };
  });
}
