// The rules on apps.services (catalog/services.ts serviceRules, model/rules/apps.ts), table-driven on
// the Dora team's staging example: each case breaks one thing and must get exactly its code, at the
// field that is wrong, with a hint; the example itself passes (test/load/valid.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadEnvironmentTexts } from '../../../generator/load/load-environments.ts';
import { POSTGRESQL_PASSWORD_SECRET } from '../../../generator/model/key-vault-secrets.ts';
import { repoRoot } from '../../helpers/workspace.ts';

const FILE = 'environments/dora-staging.yaml';
const DORA = readFileSync(path.join(repoRoot, FILE), 'utf8');

type Change = readonly [readonly (string | number)[], unknown];

/** The example with values set at paths (undefined deletes). */
function edit(changes: readonly Change[]): string {
  const doc = parseDocument(DORA);
  for (const [at, value] of changes) {
    if (value === undefined) doc.deleteIn(at);
    else doc.setIn(at, doc.createNode(value));
  }
  const out = doc.toString();
  expect(out).not.toBe(DORA);
  return out;
}

const errorsOf = (text: string) => loadEnvironmentTexts([{ file: FILE, text }]).issues.filter((i) => i.severity === 'error');

const API = ['apps', 'services', 0] as const;
const WEB = ['apps', 'services', 1] as const;
const REGISTRIES = ['releases', 'services', 'registries'] as const;
const worker = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'dora', image: { registry: 'ghcr.io', repository: 'dora/worker', tag: '1.0.0' }, ...extra });

const cases: ReadonlyArray<{ name: string; changes: readonly Change[]; expected: ReadonlyArray<readonly [string, string]> }> = [
  { name: 'two services on one host and path ("/api/" is "/api")', changes: [[[...WEB, 'path'], '/api/']], expected: [['SERVICE_PATH_CONFLICT', 'apps.services.1.path']] },
  { name: 'services on one host in two namespaces', changes: [[[...WEB, 'namespace'], 'dora-web']], expected: [['SERVICE_HOST_NAMESPACE', 'apps.services.1.namespace']] },
  {
    name: 'a host and probes without a port',
    changes: [[[...WEB, 'port'], undefined]],
    expected: [
      ['SERVICE_PORT', 'apps.services.1.host'],
      ['SERVICE_PORT', 'apps.services.1.probes'],
    ],
  },
  {
    name: 'metrics without a port (no Service for the ServiceMonitor)',
    changes: [[['apps', 'services', 2], worker('worker', { metrics: { port: 9090 } })]],
    expected: [['SERVICE_PORT', 'apps.services.2.metrics']],
  },
  { name: 'a path without a host', changes: [[[...API, 'host'], undefined]], expected: [['SERVICE_PORT', 'apps.services.0.path']] },
  { name: 'an autoscaler without a target', changes: [[[...API, 'replicas'], { min: 1, max: 4 }]], expected: [['SERVICE_AUTOSCALING', 'apps.services.0.replicas']] },
  { name: 'replicas.min above max', changes: [[[...WEB, 'replicas', 'min'], 5]], expected: [['REPLICAS_MIN_MAX', 'apps.services.1.replicas.min']] },
  { name: 'a memory limit below the request', changes: [[[...API, 'resources', 'limits', 'memory'], '256Mi']], expected: [['SERVICE_RESOURCES', 'apps.services.0.resources.limits.memory']] },
  { name: 'a CPU limit below the request', changes: [[[...API, 'resources', 'limits', 'cpu'], '0.1']], expected: [['SERVICE_RESOURCES', 'apps.services.0.resources.limits.cpu']] },
  { name: 'latest without a digest', changes: [[[...WEB, 'image', 'tag'], 'latest']], expected: [['SERVICE_IMAGE_LATEST', 'apps.services.1.image.tag']] },
  { name: 'a private registry nobody grants AcrPull on', changes: [[[...WEB, 'image', 'registry'], 'acrdoraother.azurecr.io']], expected: [['SERVICE_REGISTRY_UNKNOWN', 'apps.services.1.image.registry']] },
  { name: 'a registry listed twice', changes: [[[...REGISTRIES], [{ name: 'acrdorastaging' }, { name: 'acrdorastaging' }]]], expected: [['REGISTRY_DUPLICATE', 'releases.services.registries.1.name']] },
  {
    name: 'an existing registry with a sku, and a resource ID of another registry',
    changes: [
      [
        [...REGISTRIES],
        [
          { name: 'acrdorastaging', resourceId: '/subscriptions/3c8e1f47-92a6-4d05-b7e2-1a9f6c4d8b30/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/acrdorastaging', sku: 'Premium' },
          { name: 'acrdorashared', resourceId: '/subscriptions/3c8e1f47-92a6-4d05-b7e2-1a9f6c4d8b30/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/acrother' },
        ],
      ],
    ],
    expected: [
      ['REGISTRY_RESOURCE_ID', 'releases.services.registries.0.sku'],
      ['REGISTRY_RESOURCE_ID', 'releases.services.registries.1.resourceId'],
    ],
  },
  { name: 'env sets what the database sets', changes: [[[...API, 'env', 'PGHOST'], 'elsewhere.example.com']], expected: [['SERVICE_ENV_CONFLICT', 'apps.services.0.env.PGHOST']] },
  { name: 'a secret and env set one variable', changes: [[[...API, 'secrets', 0, 'env'], 'LOG_FORMAT']], expected: [['SERVICE_ENV_CONFLICT', 'apps.services.0.secrets.0.env']] },
  { name: 'a secret into a database variable', changes: [[[...API, 'secrets', 0, 'env'], 'PGPASSWORD']], expected: [['SERVICE_ENV_CONFLICT', 'apps.services.0.secrets.0.env']] },
  { name: 'a secret listed twice', changes: [[[...API, 'secrets', 1, 'name'], 'dora-payments-api-key']], expected: [['SERVICE_SECRET_DUPLICATE', 'apps.services.0.secrets.1.name']] },
  { name: "the PostgreSQL administrator's password", changes: [[[...API, 'secrets', 1, 'name'], POSTGRESQL_PASSWORD_SECRET]], expected: [['SERVICE_SECRET_RESERVED', 'apps.services.0.secrets.1.name']] },
  { name: "Postfacto's database password", changes: [[[...WEB, 'secrets'], [{ name: 'postfacto-retro-database-password' }]]], expected: [['SERVICE_SECRET_RESERVED', 'apps.services.1.secrets.0.name']] },
  { name: "another service's database password", changes: [[[...WEB, 'secrets'], [{ name: 'api-database-password' }]]], expected: [['SERVICE_SECRET_RESERVED', 'apps.services.1.secrets.0.name']] },
  { name: 'an egress range inside the virtual network', changes: [[[...API, 'egress', 0, 'cidrs'], ['10.70.16.0/24']]], expected: [['SERVICE_EGRESS_CIDR', 'apps.services.0.egress.0.cidrs.0']] },
  { name: 'an egress range around the metadata endpoint', changes: [[[...API, 'egress', 0, 'cidrs'], ['169.254.169.254/32']]], expected: [['SERVICE_EGRESS_CIDR', 'apps.services.0.egress.0.cidrs.0']] },
  { name: 'an egress range with host bits', changes: [[[...API, 'egress', 0, 'cidrs'], ['203.0.113.129/26']]], expected: [['SERVICE_EGRESS_CIDR', 'apps.services.0.egress.0.cidrs.0']] },
  {
    name: 'connectsTo itself, an unknown service and one without a port',
    changes: [
      [[...WEB, 'connectsTo'], ['web', 'nope', 'worker']],
      [['apps', 'services', 2], worker('worker')],
    ],
    expected: [
      ['SERVICE_CONNECTS_TO', 'apps.services.1.connectsTo.0'],
      ['SERVICE_CONNECTS_TO', 'apps.services.1.connectsTo.1'],
      ['SERVICE_CONNECTS_TO', 'apps.services.1.connectsTo.2'],
    ],
  },
  { name: 'two services of one name', changes: [[['apps', 'services', 2], worker('api')]], expected: [['DUPLICATE_INSTANCE', 'apps.services.2.name']] },
  { name: "a platform release's name", changes: [[['apps', 'services', 2], worker('ingress-nginx')]], expected: [['DUPLICATE_RELEASE', 'apps.services.2.name']] },
  { name: "a Postfacto instance's release name", changes: [[['apps', 'services', 2], worker('postfacto-retro')]], expected: [['DUPLICATE_RELEASE', 'apps.services.2.name']] },
  { name: "a Postfacto instance's namespace", changes: [[['apps', 'services', 2], worker('worker', { namespace: 'postfacto-retro' })]], expected: [['DUPLICATE_NAMESPACE', 'apps.services.2.namespace']] },
  { name: "a Postfacto instance's database", changes: [[[...API, 'database', 'name'], 'postfacto_retro']], expected: [['DUPLICATE_DATABASE', 'apps.services.0.database']] },
  { name: 'a reserved database', changes: [[[...API, 'database', 'name'], 'azure_maintenance']], expected: [['DATABASE_RESERVED', 'apps.services.0.database.name']] },
  {
    name: "a Postfacto instance's host",
    changes: [
      [[...API, 'host'], 'retro.staging.dora.example.com'],
      [[...WEB, 'host'], 'retro.staging.dora.example.com'],
    ],
    expected: [
      ['DUPLICATE_HOST', 'apps.services.0.host'],
      ['DUPLICATE_HOST', 'apps.services.1.host'],
    ],
  },
  { name: 'a host name in the egress allow-list', changes: [[[...API, 'egress', 0, 'cidrs'], ['payments.example.net']]], expected: [['SCHEMA_FORMAT', 'apps.services.0.egress.0.cidrs.0']] },
];

describe('apps.services rules', () => {
  it.each(cases)('$name', ({ changes, expected }) => {
    const errors = errorsOf(edit(changes));
    expect(errors.map((e) => [e.code, e.path]).sort()).toEqual([...expected].map((e) => [...e]).sort());
    for (const e of errors) {
      expect(e.file).toBe(FILE);
      expect(e.line, e.code).toBeGreaterThan(0);
      expect(e.message).toMatch(/\.$/);
      expect(e.hint, `${e.code} needs a hint`).toBeTruthy();
    }
  });

  it('accepts a worker without a port, host or probes, on the default 70 % CPU target and its own namespace', () => {
    const text = edit([[['apps', 'services', 2], { name: 'worker', image: { registry: 'ghcr.io', repository: 'dora/worker', tag: '1.0.0' } }]]);
    const { issues, environments } = loadEnvironmentTexts([{ file: FILE, text }]);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(environments[0]!.apps.services[2]).toMatchObject({ namespace: 'worker', port: null, host: null, replicas: { min: 1, max: 2, cpu: 70, memory: null } });
  });
});
