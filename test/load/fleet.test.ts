// Rules between environments: a delegation from a zone another environment manages must point at
// where that environment creates it; one repository is read with credentials everywhere or nowhere;
// HSTS includeSubDomains does not cover another environment's hosts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import { repositoryKey } from '../../generator/model/rules/fleet.ts';
import { repoRoot } from '../helpers/workspace.ts';

const read = (name: string) => readFileSync(path.join(repoRoot, 'environments', `${name}.yaml`), 'utf8');
const load = (test: string) =>
  loadEnvironmentTexts([
    { file: 'environments/numbers-prod.yaml', text: read('numbers-prod') },
    { file: 'environments/numbers-test.yaml', text: test },
  ]);

describe('fleet rules', () => {
  it('accepts the examples: numbers-test delegates from the zone numbers-prod creates, where it creates it', () => {
    expect(load(read('numbers-test')).issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it("names the parent environment's DNS resource group and subscription when the delegation points elsewhere", () => {
    const wrong = read('numbers-test')
      .replace(/resourceGroup: rg-numbers-prod-dns.*/, 'resourceGroup: rg-numbers-prod')
      .replace('subscriptionId: 6f1c8a52-6d0e-4b9a-9c21-7e5d4a8b0f13', 'subscriptionId: 11111111-2222-4333-8444-555555555555');
    const errors = load(wrong).issues.filter((i) => i.code === 'DNS_PARENT_OWNER');
    expect(errors.map((i) => [i.file, i.path])).toEqual([
      ['environments/numbers-test.yaml', 'dns.parent.resourceGroup'],
      ['environments/numbers-test.yaml', 'dns.parent.subscriptionId'],
    ]);
    expect(errors[0]!.message).toContain('Environment numbers-prod (environments/numbers-prod.yaml) manages the parent zone retro.numbers.example.com in resource group rg-numbers-prod-dns, not rg-numbers-prod');
    expect(errors[0]!.hint).toBe("Set dns.parent.resourceGroup to rg-numbers-prod-dns, and apply numbers-prod's dns stack first.");
    expect(errors[1]!.hint).toBe('Set dns.parent.subscriptionId to 6f1c8a52-6d0e-4b9a-9c21-7e5d4a8b0f13.');
    expect(errors.every((i) => i.line > 0)).toBe(true);
  });
});

describe('advisory warnings', () => {
  const test = read('numbers-test');
  const codes = (text: string) => load(text).issues.filter((i) => i.file.endsWith('numbers-test.yaml')).map((i) => i.code);

  it('warns on the Azure NPM policy engine, an open API server outside prod, and no alert receiver', () => {
    expect(codes(test)).toEqual([]);
    expect(codes(test.replace('policy: cilium', 'policy: azure'))).toEqual(['AKS_NPM_RETIRING']);
    expect(codes(test.replace('      - 203.0.113.0/24\n  adminGroupObjectIds', '      - 0.0.0.0/0\n  adminGroupObjectIds'))).toEqual(['API_SERVER_OPEN']);
    expect(codes(test.replace(/    receivers:\n      - type: webhook\n        name: test-alerts\n/, ''))).toEqual(['MONITORING_NO_RECEIVERS']);
  });
});

describe('Git access is the same everywhere', () => {
  const prod = read('numbers-prod');
  const test = read('numbers-test');
  const withoutSecret = test.replace(/  secretName: gitops-credentials.*\n/, '');
  const errors = (prodText: string, testText: string) =>
    loadEnvironmentTexts([
      { file: 'environments/numbers-prod.yaml', text: prodText },
      { file: 'environments/numbers-test.yaml', text: testText },
    ]).issues.filter((i) => i.code === 'FLEET_GIT_CREDENTIALS');

  it('refuses a repository read with credentials in one environment and without in another, naming both files', () => {
    expect(withoutSecret).not.toBe(test);
    const found = errors(prod, withoutSecret);
    expect(found.map((i) => [i.severity, i.file, i.path])).toEqual([['error', 'environments/numbers-test.yaml', 'gitops.repository']]);
    expect(found[0]!.line).toBeGreaterThan(0);
    expect(found[0]!.message).toBe(
      'gitops.repository https://github.com/numbers/platform-gitops is read with credentials by numbers-prod (environments/numbers-prod.yaml, gitops.secretName gitops-credentials), so it is private, but numbers-test (environments/numbers-test.yaml) reads it without gitops.secretName: its Flux cannot clone the repository and never applies anything.',
    );
    expect(found[0]!.hint).toContain('Set gitops.secretName in environments/numbers-test.yaml');
    expect(found[0]!.hint).toContain('or remove gitops.secretName from environments/numbers-prod.yaml if the repository is public');
  });

  it('compares URLs without a trailing slash or .git and with the host in any case', () => {
    for (const url of ['https://GitHub.com/numbers/platform-gitops.git', 'https://github.com/numbers/platform-gitops/', 'https://github.com/numbers/platform-gitops.git/']) {
      expect(errors(prod, withoutSecret.replace('https://github.com/numbers/platform-gitops', url)).map((i) => i.file), url).toEqual(['environments/numbers-test.yaml']);
    }
    // Another repository, or the same one over SSH (which always needs a key), says nothing about this one.
    expect(errors(prod, withoutSecret.replace('https://github.com/numbers/platform-gitops', 'https://github.com/numbers/platform-gitops-test'))).toEqual([]);
    expect(errors(prod, withoutSecret.replace('https://github.com/numbers/platform-gitops', 'ssh://git@github.com/numbers/platform-gitops'))).toEqual([]);
  });

  it('reads git@host:path as ssh, and keeps the path case', () => {
    expect(repositoryKey('git@GitHub.com:numbers/platform-gitops.git')).toBe('ssh://github.com/numbers/platform-gitops');
    expect(repositoryKey('ssh://git@github.com/numbers/platform-gitops')).toBe('ssh://github.com/numbers/platform-gitops');
    expect(repositoryKey('https://token@GITHUB.com/Numbers/Platform-Gitops.git/')).toBe('https://github.com/Numbers/Platform-Gitops');
  });

  it('accepts the examples: both read the repository with credentials', () => {
    expect(errors(prod, test)).toEqual([]);
  });
});

describe('HSTS across environments', () => {
  const prod = read('numbers-prod');
  const test = read('numbers-test');
  const hsts = (prodText: string, testText: string) =>
    loadEnvironmentTexts([
      { file: 'environments/numbers-prod.yaml', text: prodText },
      { file: 'environments/numbers-test.yaml', text: testText },
    ]).issues.filter((i) => i.code === 'FLEET_HSTS_SUBDOMAINS');
  const includeSubDomains = (text: string) => text.replace('includeSubDomains: false', 'includeSubDomains: true');

  it("warns when prod's includeSubDomains covers test's zone and hosts, in prod's file, naming both", () => {
    const on = includeSubDomains(prod);
    expect(on).not.toBe(prod);
    const found = hsts(on, test);
    expect(found.map((i) => [i.severity, i.file, i.path])).toEqual([['warning', 'environments/numbers-prod.yaml', 'releases.ingressNginx.hsts.includeSubDomains']]);
    expect(found[0]!.message).toBe(
      "numbers-prod (environments/numbers-prod.yaml) sends HSTS with includeSubDomains from retro.numbers.example.com, and numbers-test (environments/numbers-test.yaml) has its zone test.retro.numbers.example.com with the hosts grafana.test.retro.numbers.example.com and retro.test.retro.numbers.example.com below: a browser that visited numbers-prod refuses numbers-test's plain-HTTP answers and untrusted certificates (such as Let's Encrypt staging) there for 31536000 seconds, with no click-through.",
    );
    expect(found[0]!.hint).toBe('Set releases.ingressNginx.hsts.includeSubDomains to false in environments/numbers-prod.yaml (the default), or move numbers-test out from under retro.numbers.example.com.');
  });

  it('can be acknowledged in the file it is reported in, like a warning of the file itself', () => {
    const acknowledge = (text: string, reason: string) => `${text}\nacknowledge:\n  - code: FLEET_HSTS_SUBDOMAINS\n    reason: ${reason}\n`;
    const on = acknowledge(includeSubDomains(prod), 'test trusts its certificates and speaks HTTPS only');
    expect(on).toContain('code: FLEET_HSTS_SUBDOMAINS');
    const result = loadEnvironmentTexts([
      { file: 'environments/numbers-prod.yaml', text: on },
      { file: 'environments/numbers-test.yaml', text: test },
    ]);
    expect(result.issues.filter((i) => i.code === 'FLEET_HSTS_SUBDOMAINS' || i.code === 'ACKNOWLEDGE_STALE')).toEqual([]);
    expect(result.acknowledged.map((a) => [a.code, a.file, a.reason])).toContainEqual(['FLEET_HSTS_SUBDOMAINS', 'environments/numbers-prod.yaml', 'test trusts its certificates and speaks HTTPS only']);
    // With includeSubDomains off the entry acknowledges nothing: stale, as any other.
    const off = acknowledge(prod, 'x');
    const stale = loadEnvironmentTexts([{ file: 'environments/numbers-prod.yaml', text: off }, { file: 'environments/numbers-test.yaml', text: test }]).issues.filter((i) => i.code === 'ACKNOWLEDGE_STALE');
    expect(stale.map((i) => [i.file, i.path])).toEqual([['environments/numbers-prod.yaml', 'acknowledge.0']]);
  });

  it('says nothing when includeSubDomains is off (the default) or when nothing of another environment lies below', () => {
    expect(hsts(prod, test)).toEqual([]);
    expect(hsts(prod.replace(/    hsts:\n(      .*\n)+/, ''), test)).toEqual([]);
    const testOn = test.replace('  ingressNginx:\n    replicas: 1\n', '  ingressNginx:\n    replicas: 1\n    hsts:\n      includeSubDomains: true\n');
    expect(testOn).not.toBe(test);
    expect(hsts(prod, testOn)).toEqual([]);
  });
});
