// VERIFY_SECRET_IDENTITY: a pod that mounts a SecretProviderClass reads Key Vault with the identity
// the class names, and only if that identity trusts the pod's service account (AKS, "Access Azure
// Key Vault with the CSI driver", workload identity: the driver exchanges the pod's service account
// token, whose subject must match one of the identity's federated credentials). A class that uses
// the node's identity (useVMManagedIdentity) lets any pod on any node read what it names: that is
// reported too. The identities and the accounts each trusts are the aks stack's inputs.
import { objectId, type Check, type VerifyFinding } from '../types.ts';
import { indexOf } from './model/cluster.ts';
import { at, text } from './model/data.ts';
import { finding } from './model/finding.ts';
import { mountedProviderClasses } from './model/pod-references.ts';
import { workloadName } from './model/pods.ts';

export const SECRET_IDENTITY = 'VERIFY_SECRET_IDENTITY';

export const secretIdentityCheck: Check = (state) => {
  const index = indexOf(state);
  const out: VerifyFinding[] = [];
  const reported = new Set<string>();
  for (const r of index.ofKind('SecretProviderClass')) {
    const parameters = at(r.object, 'spec', 'parameters');
    if (text(at(parameters, 'useVMManagedIdentity')) === 'true') {
      out.push(
        finding(state, r, {
          code: SECRET_IDENTITY,
          severity: 'error',
          message: `${objectId(r.object)} reads Key Vault with the node's identity (useVMManagedIdentity), which every pod on every node can use: whatever it names is readable from any namespace.`,
          hint: 'Give the pods that mount it an identity of their own: a secret reader in the catalog (SecretProviderClass with clientID, usePodIdentity "false").',
        }),
      );
    }
  }
  for (const pod of index.pods) {
    const account = text(pod.spec.serviceAccountName) ?? text(pod.spec.serviceAccount) ?? 'default';
    for (const name of mountedProviderClasses(pod)) {
      const spc = index.get('SecretProviderClass', pod.namespace, name);
      const clientId = text(at(spc?.object, 'spec', 'parameters', 'clientID'));
      if (!spc || clientId === undefined) continue;
      const identity = state.identities.find((i) => i.clientId === clientId);
      const trusted = identity !== undefined && identity.namespace === pod.namespace && identity.serviceAccounts.includes(account);
      const key = `${pod.namespace}/${workloadName(pod)}/${name}`;
      if (trusted || reported.has(key)) continue;
      reported.add(key);
      out.push(
        finding(state, pod.source, {
          code: SECRET_IDENTITY,
          severity: 'error',
          message: identity
            ? `The pods of ${workloadName(pod)} mount SecretProviderClass ${pod.namespace}/${name} as ServiceAccount ${pod.namespace}/${account}, which its identity ${identity.key} does not trust (it trusts ${identity.serviceAccounts.map((a) => `${identity.namespace}/${a}`).join(', ')}): the volume never mounts and the pods stay in ContainerCreating.`
            : `The pods of ${workloadName(pod)} mount SecretProviderClass ${pod.namespace}/${name}, whose clientID ${clientId} is none of the identities the aks stack creates: the volume never mounts and the pods stay in ContainerCreating.`,
          hint: identity ? `Run the pods as ${identity.serviceAccounts[0]} or add ${account} to the reader's service accounts.` : 'Name the reader\'s client ID variable in the class (clientID: ${<READER>_CLIENT_ID}).',
        }),
      );
    }
  }
  return out;
};
