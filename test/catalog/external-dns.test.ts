// external-dns's TXT registry prefix: "extdns-%{record_type}." in every environment. The mapper
// (kubernetes-sigs/external-dns registry/mapper/mapper.go, ToTXTName) names a record's TXT record
// prefix + first label + "." + rest, and without %{record_type} in the prefix puts "<type>-" before
// the first label; docs/registry/txt.md asks for %{record_type} and a final dot when the zone apex is
// managed. Prod's Postfacto host is its zone apex: the prefix keeps its TXT record,
// extdns-a.retro.numbers.example.com, inside the zone (test/verify/checks/dns-ownership.test.ts
// checks the names and the rendered arguments).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { platformReleases } from '../../generator/catalog/index.ts';
import { listEnvironmentFiles, loadEnvironments, loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import { renderFlux } from '../../generator/render/flux/layout.ts';
import { renderHelmfile } from '../../generator/render/helmfile/render.ts';
import { renderGoTemplate } from '../helpers/render.ts';
import { txtRecordName } from '../../generator/verify/checks/dns-ownership.ts';
import { repoRoot } from '../helpers/workspace.ts';

const { environments } = loadEnvironments(listEnvironmentFiles(path.join(repoRoot, 'environments')));

describe('the TXT registry prefix', () => {
  it.each(environments.map((e) => [e.name, e] as const))('%s: external-dns gets Slipway\'s prefix with the record type, so even the apex TXT record stays in the zone', (_name, env) => {
    const values = platformReleases(env).find((r) => r.name === 'external-dns')!.values as { txtPrefix: string; registry: string; domainFilters: string[] };
    expect(values.registry).toBe('txt');
    expect(values.txtPrefix).toBe('extdns-%{record_type}.');
    expect(values.domainFilters).toEqual([env.dns.zone]);
    const apexTxt = txtRecordName(env.dns.zone, 'A', values.txtPrefix);
    expect(apexTxt).toBe(`extdns-a.${env.dns.zone}`);
  });

  it('writes it into the helmfile values and the shared Flux base as YAML that reads back unchanged', () => {
    const flux = renderFlux(environments);
    const helmfiles = renderHelmfile(environments);
    const base = parse(flux.get('base/external-dns/helmrelease.yaml')!) as { spec: { values: { txtPrefix: string } } };
    expect(base.spec.values.txtPrefix).toBe('extdns-%{record_type}.');
    const helmfile = parse(renderGoTemplate(helmfiles.get('numbers-prod/helmfile/values/external-dns.yaml.gotmpl')!, {})) as { txtPrefix: string };
    expect(helmfile.txtPrefix).toBe('extdns-%{record_type}.');
  });

  it('refuses a prefix without %{record_type} or without the final dot, at the field', () => {
    const file = 'environments/numbers-test.yaml';
    const text = readFileSync(path.join(repoRoot, file), 'utf8');
    for (const prefix of ['"ext."', '"%{record_type}-ext"', '"txt-"']) {
      const changed = text.replace('    policy: upsert-only\n', `    policy: upsert-only\n    txtPrefix: ${prefix}\n`);
      expect(changed).not.toBe(text);
      const errors = loadEnvironmentTexts([{ file, text: changed }]).issues.filter((i) => i.severity === 'error');
      expect(errors.map((i) => [i.code, i.path]), prefix).toEqual([['SCHEMA_FORMAT', 'releases.externalDns.txtPrefix']]);
      expect(`${errors[0]!.message} ${errors[0]!.hint}`).toContain('contains %{record_type} and ends with a dot');
    }
    const fine = text.replace('    policy: upsert-only\n', '    policy: upsert-only\n    txtPrefix: "%{record_type}-ext."\n');
    expect(loadEnvironmentTexts([{ file, text: fine }]).issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});
