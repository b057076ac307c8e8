// Rules between environments: a delegation from a zone another environment manages must point at
// where that environment creates it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
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
