// The controls of the Pod Security Standards, as the Kubernetes documentation defines them:
// https://kubernetes.io/docs/concepts/security/pod-security-standards/ (and as the PodSecurity
// admission plugin implements them, k8s.io/pod-security-admission/policy). Baseline applies at
// baseline and restricted; restricted adds its own. Every list walks init, regular and ephemeral
// containers; a pod-level field counts for every container unless the container overrides it.
import { at, isMap, list, maps, text, type Json, type Labels } from './model/data.ts';
import { containersOf, type ContainerAt } from './model/pods.ts';

export type Level = 'privileged' | 'baseline' | 'restricted';
/** Kubernetes minor version the policy is evaluated at (1.33 → 33). */
export type Minor = number;

export interface Violation {
  /** The control's name on the Pod Security Standards page. */
  readonly control: string;
  readonly level: 'baseline' | 'restricted';
  /** Field path inside the pod spec (spec.* of a Pod). */
  readonly field: string;
  readonly container?: string;
  /** What the pod has: a value, or "unset". */
  readonly found: string;
  /** What the level allows. */
  readonly allowed: string;
}

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SELINUX_TYPES = (minor: Minor) => new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', ...(minor >= 31 ? ['container_engine_t'] : [])]);
const SAFE_SYSCTLS = (minor: Minor) =>
  new Set([
    'kernel.shm_rmid_forced',
    'net.ipv4.ip_local_port_range',
    'net.ipv4.ip_unprivileged_port_start',
    'net.ipv4.tcp_syncookies',
    'net.ipv4.ping_group_range',
    ...(minor >= 27 ? ['net.ipv4.ip_local_reserved_ports'] : []),
    ...(minor >= 29 ? ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'] : []),
    ...(minor >= 32 ? ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] : []),
  ]);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SECCOMP_ALLOWED = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR_ALLOWED = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
const sc = (c: ContainerAt): Json => (isMap(c.container.securityContext) ? c.container.securityContext : {});

type Control = (pod: { spec: Json; annotations: Labels }, minor: Minor) => Violation[];

const baselineControls: Control[] = [
  // HostProcess
  ({ spec }) => [
    ...(at(spec, 'securityContext', 'windowsOptions', 'hostProcess') === true
      ? [{ control: 'HostProcess', level: 'baseline' as const, field: 'securityContext.windowsOptions.hostProcess', found: 'true', allowed: 'false or unset' }]
      : []),
    ...containersOf(spec)
      .filter((c) => at(sc(c), 'windowsOptions', 'hostProcess') === true)
      .map((c) => ({ control: 'HostProcess', level: 'baseline' as const, field: `${c.field}.securityContext.windowsOptions.hostProcess`, container: c.name, found: 'true', allowed: 'false or unset' })),
  ],
  // Host Namespaces
  ({ spec }) =>
    (['hostNetwork', 'hostPID', 'hostIPC'] as const)
      .filter((f) => spec[f] === true)
      .map((f) => ({ control: 'Host Namespaces', level: 'baseline', field: f, found: 'true', allowed: 'false or unset' })),
  // Privileged Containers
  ({ spec }) =>
    containersOf(spec)
      .filter((c) => sc(c).privileged === true)
      .map((c) => ({ control: 'Privileged Containers', level: 'baseline', field: `${c.field}.securityContext.privileged`, container: c.name, found: 'true', allowed: 'false or unset' })),
  // Capabilities
  ({ spec }) =>
    containersOf(spec).flatMap((c) =>
      list(at(sc(c), 'capabilities', 'add'))
        .filter((cap) => !BASELINE_CAPABILITIES.has(String(cap)))
        .map((cap) => ({ control: 'Capabilities', level: 'baseline' as const, field: `${c.field}.securityContext.capabilities.add`, container: c.name, found: show(cap), allowed: `only ${[...BASELINE_CAPABILITIES].join(', ')}` })),
    ),
  // HostPath Volumes
  ({ spec }) =>
    maps(spec.volumes)
      .filter((v) => v.hostPath !== undefined)
      .map((v) => ({ control: 'HostPath Volumes', level: 'baseline', field: `volumes[${text(v.name)}].hostPath`, found: show(at(v, 'hostPath', 'path')), allowed: 'no hostPath volume' })),
  // Host Ports (with hostNetwork, the API server defaults each hostPort to its containerPort before admission)
  ({ spec }) =>
    containersOf(spec).flatMap((c) =>
      maps(c.container.ports).flatMap((p) => {
        const hostPort = p.hostPort ?? (spec.hostNetwork === true ? p.containerPort : undefined);
        if (hostPort === undefined || hostPort === 0) return [];
        const field = `${c.field}.ports[${text(p.name) ?? String(p.containerPort)}].hostPort`;
        return [{ control: 'Host Ports', level: 'baseline' as const, field, container: c.name, found: p.hostPort === undefined ? `${show(hostPort)} (defaulted from containerPort, as hostNetwork is true)` : show(hostPort), allowed: '0 or unset' }];
      }),
    ),
  // Host Probes / Lifecycle Hooks (v1.34+)
  ({ spec }, minor) =>
    minor < 34
      ? []
      : containersOf(spec).flatMap((c) =>
          [
            ...['livenessProbe', 'readinessProbe', 'startupProbe'].map((p) => [p]),
            ['lifecycle', 'postStart'],
            ['lifecycle', 'preStop'],
          ].flatMap((handler) =>
            ['httpGet', 'tcpSocket']
              .filter((action) => (text(at(c.container, ...handler, action, 'host')) ?? '') !== '')
              .map((action) => ({
                control: 'Host Probes / Lifecycle Hooks',
                level: 'baseline' as const,
                field: `${c.field}.${handler.join('.')}.${action}.host`,
                container: c.name,
                found: show(at(c.container, ...handler, action, 'host')),
                allowed: 'unset or ""',
              })),
          ),
        ),
  // AppArmor
  ({ spec, annotations }) => [
    ...(at(spec, 'securityContext', 'appArmorProfile', 'type') !== undefined && !APPARMOR_ALLOWED.has(String(at(spec, 'securityContext', 'appArmorProfile', 'type')))
      ? [{ control: 'AppArmor', level: 'baseline' as const, field: 'securityContext.appArmorProfile.type', found: show(at(spec, 'securityContext', 'appArmorProfile', 'type')), allowed: 'RuntimeDefault, Localhost or unset' }]
      : []),
    ...containersOf(spec)
      .filter((c) => at(sc(c), 'appArmorProfile', 'type') !== undefined && !APPARMOR_ALLOWED.has(String(at(sc(c), 'appArmorProfile', 'type'))))
      .map((c) => ({ control: 'AppArmor', level: 'baseline' as const, field: `${c.field}.securityContext.appArmorProfile.type`, container: c.name, found: show(at(sc(c), 'appArmorProfile', 'type')), allowed: 'RuntimeDefault, Localhost or unset' })),
    ...Object.entries(annotations)
      .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION) && v !== 'runtime/default' && !v.startsWith('localhost/'))
      .map(([k, v]) => ({ control: 'AppArmor', level: 'baseline' as const, field: `metadata.annotations[${k}]`, container: k.slice(APPARMOR_ANNOTATION.length), found: show(v), allowed: 'runtime/default, localhost/* or unset' })),
  ],
  // SELinux
  ({ spec }, minor) => {
    const types = SELINUX_TYPES(minor);
    const check = (options: unknown, field: string, container?: string): Violation[] => {
      if (!isMap(options)) return [];
      const out: Violation[] = [];
      if (options.type !== undefined && !types.has(String(options.type))) out.push({ control: 'SELinux', level: 'baseline', field: `${field}.type`, found: show(options.type), allowed: `${[...types].filter(Boolean).join(', ')} or unset`, ...(container && { container }) });
      for (const f of ['user', 'role'] as const) {
        if ((text(options[f]) ?? '') !== '') out.push({ control: 'SELinux', level: 'baseline', field: `${field}.${f}`, found: show(options[f]), allowed: 'unset', ...(container && { container }) });
      }
      return out;
    };
    return [...check(at(spec, 'securityContext', 'seLinuxOptions'), 'securityContext.seLinuxOptions'), ...containersOf(spec).flatMap((c) => check(sc(c).seLinuxOptions, `${c.field}.securityContext.seLinuxOptions`, c.name))];
  },
  // /proc Mount Type
  ({ spec }) =>
    containersOf(spec)
      .filter((c) => sc(c).procMount !== undefined && sc(c).procMount !== 'Default')
      .map((c) => ({ control: '/proc Mount Type', level: 'baseline', field: `${c.field}.securityContext.procMount`, container: c.name, found: show(sc(c).procMount), allowed: 'Default or unset' })),
  // Seccomp (baseline: anything but Unconfined)
  ({ spec }) => [
    ...(at(spec, 'securityContext', 'seccompProfile', 'type') === 'Unconfined' ? [{ control: 'Seccomp', level: 'baseline' as const, field: 'securityContext.seccompProfile.type', found: '"Unconfined"', allowed: 'RuntimeDefault, Localhost or unset' }] : []),
    ...containersOf(spec)
      .filter((c) => at(sc(c), 'seccompProfile', 'type') === 'Unconfined')
      .map((c) => ({ control: 'Seccomp', level: 'baseline' as const, field: `${c.field}.securityContext.seccompProfile.type`, container: c.name, found: '"Unconfined"', allowed: 'RuntimeDefault, Localhost or unset' })),
  ],
  // Sysctls
  ({ spec }, minor) => {
    const safe = SAFE_SYSCTLS(minor);
    return maps(at(spec, 'securityContext', 'sysctls'))
      .filter((s) => !safe.has(String(s.name)))
      .map((s) => ({ control: 'Sysctls', level: 'baseline', field: `securityContext.sysctls[${String(s.name)}]`, found: show(s.name), allowed: `only ${[...safe].join(', ')}` }));
  },
];

const isWindows = (spec: Json) => at(spec, 'os', 'name') === 'windows';
/** Pods in a user namespace (hostUsers: false) may run as root inside it. */
const inUserNamespace = (spec: Json) => spec.hostUsers === false;

const restrictedControls: Control[] = [
  // Volume Types
  ({ spec }) =>
    maps(spec.volumes).flatMap((v) => {
      const type = Object.keys(v).find((k) => k !== 'name');
      return type && !RESTRICTED_VOLUMES.has(type) ? [{ control: 'Volume Types', level: 'restricted' as const, field: `volumes[${text(v.name)}].${type}`, found: type, allowed: [...RESTRICTED_VOLUMES].join(', ') }] : [];
    }),
  // Privilege Escalation
  ({ spec }) =>
    isWindows(spec)
      ? []
      : containersOf(spec)
          .filter((c) => sc(c).allowPrivilegeEscalation !== false)
          .map((c) => ({ control: 'Privilege Escalation', level: 'restricted', field: `${c.field}.securityContext.allowPrivilegeEscalation`, container: c.name, found: show(sc(c).allowPrivilegeEscalation), allowed: 'false' })),
  // Running as Non-root: the pod sets true, or every container does; nothing sets false.
  ({ spec }) => {
    if (inUserNamespace(spec)) return [];
    const pod = at(spec, 'securityContext', 'runAsNonRoot');
    const out: Violation[] = pod === false ? [{ control: 'Running as Non-root', level: 'restricted', field: 'securityContext.runAsNonRoot', found: 'false', allowed: 'true' }] : [];
    for (const c of containersOf(spec)) {
      const own = sc(c).runAsNonRoot;
      if (own === false || (own === undefined && pod !== true)) {
        out.push({ control: 'Running as Non-root', level: 'restricted', field: `${c.field}.securityContext.runAsNonRoot`, container: c.name, found: show(own), allowed: 'true (here or at securityContext.runAsNonRoot)' });
      }
    }
    return out;
  },
  // Running as Non-root user
  ({ spec }) =>
    inUserNamespace(spec)
      ? []
      : [
          ...(at(spec, 'securityContext', 'runAsUser') === 0 ? [{ control: 'Running as Non-root user', level: 'restricted' as const, field: 'securityContext.runAsUser', found: '0', allowed: 'a non-zero user or unset' }] : []),
          ...containersOf(spec)
            .filter((c) => sc(c).runAsUser === 0)
            .map((c) => ({ control: 'Running as Non-root user', level: 'restricted' as const, field: `${c.field}.securityContext.runAsUser`, container: c.name, found: '0', allowed: 'a non-zero user or unset' })),
        ],
  // Seccomp (restricted): RuntimeDefault or Localhost at pod level, or on every container.
  ({ spec }) => {
    if (isWindows(spec)) return [];
    const pod = at(spec, 'securityContext', 'seccompProfile', 'type');
    const out: Violation[] = pod !== undefined && !SECCOMP_ALLOWED.has(String(pod)) ? [{ control: 'Seccomp', level: 'restricted', field: 'securityContext.seccompProfile.type', found: show(pod), allowed: 'RuntimeDefault or Localhost' }] : [];
    const podSet = pod !== undefined && SECCOMP_ALLOWED.has(String(pod));
    for (const c of containersOf(spec)) {
      const own = at(sc(c), 'seccompProfile', 'type');
      if (own !== undefined ? !SECCOMP_ALLOWED.has(String(own)) : !podSet) {
        out.push({ control: 'Seccomp', level: 'restricted', field: `${c.field}.securityContext.seccompProfile.type`, container: c.name, found: show(own), allowed: 'RuntimeDefault or Localhost (here or at securityContext.seccompProfile.type)' });
      }
    }
    return out;
  },
  // Capabilities (restricted): drop ALL, add at most NET_BIND_SERVICE.
  ({ spec }) =>
    isWindows(spec)
      ? []
      : containersOf(spec).flatMap((c) => {
          const out: Violation[] = [];
          const drop = list(at(sc(c), 'capabilities', 'drop')).map(String);
          if (!drop.includes('ALL')) out.push({ control: 'Capabilities', level: 'restricted', field: `${c.field}.securityContext.capabilities.drop`, container: c.name, found: drop.length ? show(drop) : 'unset', allowed: 'a list containing ALL' });
          for (const cap of list(at(sc(c), 'capabilities', 'add')).map(String)) {
            if (cap !== 'NET_BIND_SERVICE') out.push({ control: 'Capabilities', level: 'restricted', field: `${c.field}.securityContext.capabilities.add`, container: c.name, found: show(cap), allowed: 'only NET_BIND_SERVICE' });
          }
          return out;
        }),
];

/** What the pod does that the level forbids, evaluated at Kubernetes 1.<minor>. */
export function violations(pod: { spec: Json; annotations: Labels }, level: Level, minor: Minor): Violation[] {
  if (level === 'privileged') return [];
  const baseline = baselineControls.flatMap((control) => control(pod, minor));
  if (level === 'baseline') return baseline;
  // Restricted's Capabilities and Seccomp replace baseline's, which they include (the admission plugin's overrides).
  return [...baseline.filter((v) => v.control !== 'Capabilities' && v.control !== 'Seccomp'), ...restrictedControls.flatMap((control) => control(pod, minor))];
}
