// The CustomResourceDefinitions a chart archive installs, read without rendering: every file in a
// crds/ folder of the chart or a subchart (Helm applies those verbatim), and templates whose
// template actions sit on lines of their own around a plain CRD body (cert-manager's
// templates/crd-*.yaml: an `{{- if }}` guard and a labels include). A template with actions inside
// its lines cannot be read without rendering it and is left out.
import { parseAllDocuments } from 'yaml';

export interface Crd {
  readonly group: string;
  readonly kind: string;
  /** Each version with its openAPIV3Schema (undefined when the version declares none). */
  readonly versions: ReadonlyArray<{ readonly name: string; readonly schema: Record<string, unknown> | undefined }>;
  /** Path of the file inside the archive. */
  readonly file: string;
}

const CRD_FILE = /(^|\/)crds\/[^/]+\.ya?ml$/;
const TEMPLATE_FILE = /(^|\/)templates\/[^/]+\.ya?ml$/;
const ACTION_LINE = /^\s*\{\{.*\}\}\s*$/;

export function chartCrds(files: ReadonlyMap<string, Buffer>): Crd[] {
  const crds: Crd[] = [];
  for (const [file, bytes] of files) {
    if (!CRD_FILE.test(file) && !TEMPLATE_FILE.test(file)) continue;
    let text = bytes.toString('utf8');
    if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(text)) continue;
    if (TEMPLATE_FILE.test(file)) {
      text = text
        .split('\n')
        .filter((line) => !ACTION_LINE.test(line))
        .join('\n');
      if (text.includes('{{')) continue;
    }
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${file} is not valid YAML: ${doc.errors[0]!.message}`);
      const crd = doc.toJS() as CrdDocument | null;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      crds.push({
        group: crd.spec.group,
        kind: crd.spec.names.kind,
        versions: (crd.spec.versions ?? []).map((v) => ({ name: v.name, schema: v.schema?.openAPIV3Schema })),
        file,
      });
    }
  }
  return crds;
}

interface CrdDocument {
  kind?: string;
  spec?: {
    group: string;
    names: { kind: string };
    versions?: Array<{ name: string; schema?: { openAPIV3Schema?: Record<string, unknown> } }>;
  };
}
