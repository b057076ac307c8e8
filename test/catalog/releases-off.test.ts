// Issue 14.8: each optional release can be turned off without leftovers. Each is switched off in a
// copy of an example, the copy is rendered alone (so out/base holds only what it uses), and the whole
// tree is searched for what the release would have made: its namespace, service accounts and their
// federated credentials, its Azure identity and role assignments, Key Vault readers, NetworkPolicy
// peers, alert rules, helmfile and Flux entries, substitution variables. What still needs a release
// is refused (RELEASE_NEEDED): ingress-nginx and cert-manager serve every Postfacto host, and an
// environment always has a Postfacto instance, so they stay on (test/fixtures/invalid/release-needed*).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parseDocument } from 'yaml';
import { platform, workloadIdentities } from '../../generator/catalog/index.ts';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import { renderAll } from '../../generator/render/registry.ts';
import { repoRoot } from '../helpers/workspace.ts';

const FILE = 'environments/numbers-test.yaml';
const TEXT = readFileSync(path.join(repoRoot, FILE), 'utf8');

function renderWith(changes: Record<string, unknown>) {
  const doc = parseDocument(TEXT);
  for (const [at, value] of Object.entries(changes)) doc.setIn(at.split('.'), value);
  const previous = process.cwd();
  process.chdir(repoRoot);
  try {
    const { environments, issues } = loadEnvironmentTexts([{ file: FILE, text: doc.toString() }]);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    return { env: environments[0]!, files: renderAll(environments) };
  } finally {
    process.chdir(previous);
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a platform release leaves in a rendered tree, as patterns on file paths and contents. */
function traces(key: string, envName: string) {
  const d = platform.find((p) => p.key === key)!;
  const namespaces = [d.namespace, ...(d.otherNamespaces ?? [])].map((n) => n.name);
  const identity = workloadIdentities.find((w) => w.namespace === d.namespace.name);
  const content = [
    ...namespaces.flatMap((n) => [
      new RegExp(`namespace: ${escape(n)}$`, 'm'), // objects in it, RoleBindings
      new RegExp(`targetNamespace: ${escape(n)}$`, 'm'), // the HelmRelease
      new RegExp(`kubernetes\\.io/metadata\\.name: ${escape(n)}$`, 'm'), // NetworkPolicy peers
      new RegExp(`system:serviceaccount:${escape(n)}:`), // federated credentials
      new RegExp(`"namespace": "${escape(n)}"`), // Terraform values
      new RegExp(`^  name: ${escape(n)}$`, 'm'), // the Namespace itself
    ]),
    new RegExp(`^\\s*- name: ${escape(d.name)}$`, 'm'), // helmfile release, Flux dependsOn
    new RegExp(`"${escape(d.name)}"`), // Terraform keys (identities, roles, readers)
    ...(identity ? [new RegExp(`id-${escape(envName)}-${escape(identity.key)}\\b`), new RegExp(escape(identity.clientIdVariable)), new RegExp(`"${escape(identity.key)}/`)] : []), // role assignments keyed <identity>/<scope>/<role>
  ];
  const paths = [new RegExp(`(^|/)${escape(d.name)}(/|\\.yaml$|-)`)];
  return { content, paths };
}

/**
 * The places a search may ignore: module sources (generic code, the same for every environment) and
 * environment.resolved.yaml, which echoes the environment file (the release with enabled: false)
 * and the names Slipway would derive.
 */
const searched = (files: Map<string, string>, env: string) => [...files].filter(([f]) => !f.startsWith('modules/') && f !== `${env}/environment.resolved.yaml`);

function leftovers(files: Map<string, string>, key: string, env: string): string[] {
  const { content, paths } = traces(key, env);
  // The shared base of an app kind keeps the full dependsOn for the environments that install the
  // release; an overlay replaces the list (checked on the built object below).
  const shared = (file: string, p: RegExp) => file.startsWith('base/') && p.source.startsWith('^\\s*- name: ');
  return searched(files, env).flatMap(([file, text]) => [
    ...paths.filter((p) => p.test(file)).map((p) => `${file}: path matches ${p}`),
    ...content.filter((p) => p.test(text) && !shared(file, p)).map((p) => `${file}: ${p} (${text.split('\n').find((l) => p.test(l))?.trim()})`),
  ]);
}

describe('a release switched off leaves nothing behind', () => {
  const on = renderWith({});

  it.each(['velero', 'externalDns'])('%s: present when on (the search can fail), absent everywhere when off', (key) => {
    expect(leftovers(on.files, key, on.env.name).length).toBeGreaterThan(5);
    const off = renderWith({ [`releases.${key}.enabled`]: false });
    expect(leftovers(off.files, key, off.env.name)).toEqual([]);
  });

  it('drops dependsOn on a release that is off from the built HelmRelease (kubectl kustomize), though the shared base keeps it', () => {
    const off = renderWith({ 'releases.externalDns.enabled': false });
    const dir = mkdtempSync(path.join(tmpdir(), 'slipway-off-'));
    try {
      for (const [file, content] of off.files) {
        mkdirSync(path.dirname(path.join(dir, 'out', file)), { recursive: true });
        writeFileSync(path.join(dir, 'out', file), content);
      }
      const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(dir, 'out', off.env.name, 'flux', 'apps', 'postfacto-main')], { encoding: 'utf8' })).map((d) => d.toJS());
      const release = built.find((o) => o.kind === 'HelmRelease');
      expect(release.spec.dependsOn.map((d: { name: string }) => d.name)).toEqual(['ingress-nginx', 'cert-manager']);
      expect(off.files.get('base/postfacto/release/helmrelease.yaml')).toMatch(/- name: external-dns$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves no Velero backup location variables for Flux', () => {
    const vars = (r: ReturnType<typeof renderWith>) => Object.keys(JSON.parse(r.files.get(`${r.env.name}/terraform/gitops/terraform.tfvars.json`)!).substitute);
    expect(vars(on)).toEqual(expect.arrayContaining(['BACKUP_CONTAINER', 'BACKUP_RESOURCE_GROUP', 'BACKUP_STORAGE_ACCOUNT']));
    expect(vars(renderWith({ 'releases.velero.enabled': false })).filter((v) => v.startsWith('BACKUP_'))).toEqual([]);
  });
});
