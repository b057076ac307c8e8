import type { Environment } from '../environment.ts';
import { parseCidr } from './ipv4.ts';
import { error, warning, type Finding } from './rule.ts';

/** The API server stays restricted: a /0 range opens it to the internet (an error in prod). */
export function apiServerRules(env: Environment): Finding[] {
  return env.aks.apiServerAuthorizedRanges.flatMap((range, i) => {
    if (parseCidr(range).prefix !== 0) return [];
    const path = ['aks', 'apiServer', 'authorizedRanges', i];
    const message = `aks.apiServer.authorizedRanges lists ${range}, which admits every address on the internet to the Kubernetes API server.`;
    const hint = 'List the egress ranges of your offices, VPN and CI runners instead.';
    return [env.stage === 'prod' ? error('PROD_API_SERVER_OPEN', path, `${message} Production API servers stay restricted.`, hint) : warning('API_SERVER_OPEN', path, message, hint)];
  });
}
