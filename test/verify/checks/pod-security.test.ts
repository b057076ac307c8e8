// VERIFY_POD_SECURITY: each control of the Pod Security Standards, at the level the namespace
// enforces (https://kubernetes.io/docs/concepts/security/pod-security-standards/), on pod-level
// and container-level fields, on init and ephemeral containers.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { POD_SECURITY, podSecurityCheck } from '../../../generator/verify/checks/pod-security.ts';
import { checkCases, type Case } from './helpers/cases.ts';
import { clusterState, deployment, inRelease, namespace } from './helpers/state.ts';

type Pod = Record<string, unknown>;
type Level = 'baseline' | 'restricted';

/** A pod that passes restricted: non-root, RuntimeDefault seccomp, no escalation, all capabilities dropped. */
const container = (extra: Pod = {}): Pod => ({ name: 'app', image: 'example/app:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, ...extra });
const restrictedPod = (extra: Pod = {}): Pod => ({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [container()], ...extra });
const withContainer = (securityContext: Pod, more: Pod = {}): Pod => restrictedPod({ containers: [container({ securityContext: { ...(container().securityContext as Pod), ...securityContext }, ...more })] });

const inNamespace = (level: Level | undefined, ...objects: KubeObject[]) => clusterState([...(level ? [namespace('apps', level)] : []), ...inRelease('postfacto-main/postfacto-main', 'apps', ...objects)]);
const web = (pod: Pod) => deployment('apps', 'web', { app: 'web' }, pod);

const control = (name: string, level: Level, broken: Pod, fixed: Pod, says?: RegExp, count = 1): Case => ({
  name: `${level}: ${name}`,
  code: POD_SECURITY,
  count,
  broken: () => inNamespace(level, web(broken)),
  fixed: () => inNamespace(level, web(fixed)),
  ...(says && { says }),
});

describe('Pod Security check', () => {
  checkCases(podSecurityCheck, [
    control('host network', 'baseline', { hostNetwork: true }, { hostNetwork: false }, /sets spec\.template\.spec\.hostNetwork to true, which the baseline Pod Security level enforced in namespace apps forbids \(Host Namespaces/),
    control('host PID and IPC, one finding', 'baseline', { hostPID: true, hostIPC: true }, {}, /hostPID to true and spec\.template\.spec\.hostIPC to true/),
    control('privileged container', 'baseline', { containers: [{ name: 'app', securityContext: { privileged: true } }] }, { containers: [{ name: 'app', securityContext: { privileged: false } }] }, /Deployment apps\/web, container app, sets .*containers\[app\]\.securityContext\.privileged to true/),
    control('privileged init container', 'baseline', { initContainers: [{ name: 'init', securityContext: { privileged: true } }], containers: [{ name: 'app' }] }, { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] }, /initContainers\[init\]/),
    control('capability beyond the baseline set', 'baseline', { containers: [{ name: 'app', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] }, { containers: [{ name: 'app', securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'] } } }] }, /"SYS_ADMIN"/),
    control('hostPath volume', 'baseline', { volumes: [{ name: 'root', hostPath: { path: '/' } }] }, { volumes: [{ name: 'root', emptyDir: {} }] }, /volumes\[root\]\.hostPath to "\/"/),
    control('host port', 'baseline', { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 80, hostPort: 80 }] }] }, { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 80 }] }] }, /ports\[http\]\.hostPort to 80/),
    control('host port defaulted by hostNetwork', 'baseline', { hostNetwork: true, containers: [{ name: 'app', ports: [{ name: 'metrics', containerPort: 9100 }] }] }, { containers: [{ name: 'app', ports: [{ name: 'metrics', containerPort: 9100 }] }] }, /defaulted from containerPort/, 2),
    control('AppArmor unconfined', 'baseline', { containers: [{ name: 'app', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] }, { containers: [{ name: 'app', securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }] }),
    control('SELinux type and user', 'baseline', { securityContext: { seLinuxOptions: { type: 'spc_t', user: 'system_u' } } }, { securityContext: { seLinuxOptions: { type: 'container_t' } } }, /seLinuxOptions\.type to "spc_t" and .*seLinuxOptions\.user/),
    control('unmasked /proc', 'baseline', { containers: [{ name: 'app', securityContext: { procMount: 'Unmasked' } }] }, { containers: [{ name: 'app', securityContext: { procMount: 'Default' } }] }),
    control('seccomp unconfined', 'baseline', { securityContext: { seccompProfile: { type: 'Unconfined' } } }, { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }),
    control('unsafe sysctl', 'baseline', { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }, { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }] } }, /kernel\.msgmax/),
    control('Windows HostProcess', 'baseline', { securityContext: { windowsOptions: { hostProcess: true } }, hostNetwork: false }, {}, /HostProcess/),
    control('restricted volume types', 'restricted', restrictedPod({ volumes: [{ name: 'data', nfs: { server: 'nfs', path: '/' } }] }), restrictedPod({ volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }), /volumes\[data\]\.nfs/),
    control('privilege escalation left unset', 'restricted', restrictedPod({ containers: [container({ securityContext: { capabilities: { drop: ['ALL'] } } })] }), restrictedPod(), /leaves spec\.template\.spec\.containers\[app\]\.securityContext\.allowPrivilegeEscalation unset, which the restricted/),
    control('running as root allowed', 'restricted', restrictedPod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }), withContainer({ runAsNonRoot: true }, {}), /runAsNonRoot/),
    control('running as user 0', 'restricted', withContainer({ runAsUser: 0 }), withContainer({ runAsUser: 1000 }), /runAsUser to 0/),
    control('seccomp not set anywhere', 'restricted', restrictedPod({ securityContext: { runAsNonRoot: true } }), withContainer({ seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } }, {}), /seccompProfile\.type unset/),
    control('a container overriding the pod seccomp with Unconfined', 'restricted', withContainer({ seccompProfile: { type: 'Unconfined' } }), restrictedPod(), /"Unconfined"/),
    control('capabilities not dropped, one added', 'restricted', withContainer({ capabilities: { add: ['SYS_TIME'] } }), withContainer({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }), /capabilities\.drop unset and|capabilities\.add to "SYS_TIME"/),
  ]);

  it('takes ephemeral containers of a Pod into account', () => {
    const pod = (privileged: boolean): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'apps' }, spec: { containers: [{ name: 'app' }], ephemeralContainers: [{ name: 'debugger', securityContext: { privileged } }] } });
    const [f] = podSecurityCheck(inNamespace('baseline', pod(true)));
    expect(f?.message).toMatch(/^Pod apps\/debug, container debugger, sets spec\.ephemeralContainers\[debugger\]\.securityContext\.privileged to true.*the API server rejects the pod\.$/);
    expect(podSecurityCheck(inNamespace('baseline', pod(false)))).toEqual([]);
  });

  it('reads the pod template of a CronJob', () => {
    const cron: KubeObject = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'apps' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { hostPID: true, containers: [{ name: 'c' }] } } } } } };
    expect(podSecurityCheck(inNamespace('baseline', cron))[0]?.message).toMatch(/spec\.jobTemplate\.spec\.template\.spec\.hostPID/);
  });

  it('enforces nothing in a privileged namespace, or where no Namespace object or label says otherwise', () => {
    const nodeExporter = web({ hostNetwork: true, hostPID: true, volumes: [{ name: 'proc', hostPath: { path: '/proc' } }] });
    expect(podSecurityCheck(clusterState([namespace('apps', 'privileged'), nodeExporter]))).toEqual([]);
    expect(podSecurityCheck(clusterState([namespace('apps'), nodeExporter]))).toEqual([]);
    expect(podSecurityCheck(clusterState([nodeExporter]))).toEqual([]);
  });

  it('checks host probes only from Kubernetes 1.34, the version the control appeared in', () => {
    const probing = web({ containers: [{ name: 'app', livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } } }] });
    const at = (version: string) => clusterState([{ ...namespace('apps', 'baseline'), metadata: { name: 'apps', labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': version } } }, probing]);
    expect(podSecurityCheck(at('v1.33'))).toEqual([]);
    expect(podSecurityCheck(at('v1.34')).map((f) => f.message)).toEqual([expect.stringMatching(/livenessProbe\.httpGet\.host to "10\.0\.0\.1".*Host Probes \/ Lifecycle Hooks/)]);
  });

  it('names the release field behind the workload', () => {
    expect(podSecurityCheck(inNamespace('baseline', web({ hostNetwork: true })))[0]).toMatchObject({ object: 'Deployment apps/web', release: 'postfacto-main/postfacto-main', cause: ['apps', 'postfacto', 0] });
  });
});
