// The pinned YAML dialect: Helm and kustomize read our YAML with YAML 1.1 (go-yaml v2,
// sigs.k8s.io/yaml) or YAML 1.2 (go-yaml v3) rules, so a string must read as that string in both.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readsAsNonString, toYaml } from '../../generator/render/yaml.ts';
import { examples, isGoTemplate, renderGoTemplate } from '../helpers/render.ts';

describe('the YAML writer', () => {
  it.each(['no', 'on', 'Off', 'y', 'N', 'yes', '0777', '1:30', '02:30', '0o17', '0x1F', '1e3', '.inf', '~', 'null', '', '2026-11-27', '<<', '+1', '1_000'])(
    'quotes %j, which a YAML 1.1 or 1.2 reader would not read as a string',
    (text) => {
      expect(readsAsNonString(text)).toBe(true);
      const written = toYaml({ value: text, list: [text] });
      for (const version of ['1.1', '1.2'] as const) expect(parseAllDocuments(written, { version })[0]!.toJS()).toEqual({ value: text, list: [text] });
    },
  );

  it.each(['plain', 'retro.example.com', '4.3.11', 'v1.21.1', '0 2 * * *', 'TLSv1.2 TLSv1.3'])('leaves %j plain', (text) => {
    expect(readsAsNonString(text)).toBe(false);
    expect(toYaml({ value: text })).toContain(`value: ${text}\n`);
  });

  it('writes every example file so that YAML 1.1 and YAML 1.2 readers get the same data', () => {
    const { files } = examples();
    const yamlFiles = [...files].filter(([f]) => /\.ya?ml(\.gotmpl)?$/.test(f));
    expect(yamlFiles.length).toBeGreaterThan(100);
    for (const [file, written] of yamlFiles) {
      // Go templates (helmfile's .gotmpl values, the platform charts' templates) are YAML once rendered.
      const text = isGoTemplate(file) ? renderGoTemplate(written, {}) : written;
      const read = (version: '1.1' | '1.2') => parseAllDocuments(text, { version }).map((d) => d.toJS());
      expect(read('1.1'), file).toEqual(read('1.2'));
    }
  });
});
