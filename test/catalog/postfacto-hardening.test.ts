// Postfacto runs as Pod Security "restricted" allows: a user without a name, a read-only root file
// system, no capabilities. What it writes at run time has a place (docker/release/entrypoint at
// 4.3.11 writes client/config.js: a ConfigMap here; Rails writes tmp/; Bundler writes HOME), and the
// server is the container's process (exec form), so SIGTERM reaches Puma.
import { beforeAll, describe, expect, it } from 'vitest';
import { appReleases, namespacesOf } from '../../generator/catalog/index.ts';
import { charts } from '../../generator/catalog/charts.ts';
import { chartArchivePath } from '../../generator/charts/chart-dir.ts';
import { chartArchives, describeWithCharts } from '../helpers/charts.ts';
import { examples } from '../helpers/render.ts';
import { helmPath, helmTemplate } from '../verify/checks/helpers/helm.ts';

const prod = examples().environments.find((e) => e.name === 'numbers-prod')!;
const release = appReleases(prod)[0]!;

describe('Postfacto, hardened', () => {
  it('enforces restricted in every instance namespace', () => {
    for (const p of prod.apps.postfacto) expect(namespacesOf(prod).find((n) => n.name === p.namespace)!.podSecurity).toBe('restricted');
  });

  it('execs the server itself and takes config.js from a ConfigMap', () => {
    const v = release.values as any;
    expect(v.controllers.web.containers.app.command).toEqual(['bundle', 'exec', 'rails', 'server', '-b', '0.0.0.0', '-p', '3000']);
    expect(v.configMaps.client.data['config.js']).toContain('"api_base_url": "/api"');
    expect(v.configMaps.client.data['config.js']).toContain('"enable_analytics": false');
  });
});

describeWithCharts('Postfacto, hardened, as app-template renders it', () => {
  let objects: any[] = [];
  beforeAll(async () => {
    const helm = await helmPath();
    objects = helmTemplate(helm, chartArchivePath(chartArchives!, charts.appTemplate.source.chart, charts.appTemplate.version), release.name, release.namespace, release.values, prod.aks.kubernetesVersion);
  });

  it('runs every container of web, migrate and admin as a non-root user on a read-only root with its writable places mounted', () => {
    const workloads = objects.filter((o) => ['Deployment', 'Job'].includes(o.kind) && !o.metadata.name.endsWith('-redis'));
    expect(workloads.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual([`Deployment ${release.name}-web`, `Job ${release.name}-admin`, `Job ${release.name}-migrate`].sort());
    for (const w of workloads) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext, w.metadata.name).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of pod.containers) {
        expect(c.securityContext, `${w.metadata.name} ${c.name}`).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
        const mounts = c.volumeMounts.map((m: any) => m.mountPath);
        expect(mounts, w.metadata.name).toEqual(expect.arrayContaining(['/postfacto/tmp', '/tmp']));
      }
    }
    const web = workloads.find((o) => o.kind === 'Deployment').spec.template.spec;
    const config = web.containers[0].volumeMounts.find((m: any) => m.mountPath === '/postfacto/client/config.js');
    expect(config).toMatchObject({ subPath: 'config.js', readOnly: true });
    const volume = web.volumes.find((v: any) => v.name === config.name);
    const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name);
    expect(map.data['config.js']).toContain('window.Retro.config');
  });
});
