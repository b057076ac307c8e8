// SecretProviderClass for the AKS Key Vault secrets provider: a reader's own identity reads the
// named secrets, mounts them as files and (with secretObjects) mirrors them into a Kubernetes Secret.
import type { Environment } from '../model/environment.ts';
import type { SecretReader } from './definition.ts';
import { placeholder, type KubeObject } from './types.ts';

export interface SyncedSecret {
  readonly secretName: string;
  /** Kubernetes Secret key -> key vault secret name. */
  readonly keys: Readonly<Record<string, string>>;
}

export const CSI_DRIVER = 'secrets-store.csi.k8s.io';

/**
 * The class of a reader with its own identity (AKS "Access Azure Key Vault with the CSI driver",
 * workload identity: usePodIdentity "false", clientID, tenantId; no useVMManagedIdentity). The
 * driver exchanges the mounting pod's service account token for that identity's, so only pods
 * whose service account the identity trusts can read the secrets.
 */
export function readerSecretProviderClass(env: Environment, reader: SecretReader, synced?: SyncedSecret): KubeObject {
  return {
    apiVersion: 'secrets-store.csi.x-k8s.io/v1',
    kind: 'SecretProviderClass',
    metadata: { name: reader.name, namespace: reader.namespace },
    spec: {
      provider: 'azure',
      parameters: {
        usePodIdentity: 'false',
        clientID: placeholder(reader.clientIdVariable),
        keyvaultName: env.names.keyVault,
        tenantId: env.azure.tenantId,
        objects: objectList(reader.secrets),
      },
      ...(synced && secretObjects(synced)),
    },
  };
}

// The provider takes its object list as a YAML string.
const objectList = (objects: readonly string[]) => `array:\n${objects.map((o) => `  - |\n    objectName: ${o}\n    objectType: secret\n`).join('')}`;
const secretObjects = (synced: SyncedSecret) => ({
  secretObjects: [{ secretName: synced.secretName, type: 'Opaque', data: Object.entries(synced.keys).map(([key, objectName]) => ({ key, objectName })) }],
});


/**
 * A pod volume that mounts a SecretProviderClass. Every workload that reads the class's synced Secret
 * needs one itself: the driver deletes that Secret with the last pod that mounts the class
 * (verify: VERIFY_REFERENCE_SECRET_SYNC).
 */
export const csiVolume = (name: string, secretProviderClass: string) => ({ name, csi: { driver: CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass } } });
