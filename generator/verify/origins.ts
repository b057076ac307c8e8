// Which out/ file carries each object of a kustomize build. The build (kustomize/build.ts) returns
// objects only, so every resource and merge-patch document is marked with its file before the build:
// a patch's mark overwrites its target's, so an object patched by the environment is attributed to
// the environment's patch file, as render/flux/layout.ts attributes it, and the rest to their own.
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../catalog/types.ts';

/** The annotation that carries the file through the build; removed again from every built object. */
const ORIGIN = 'verify.slipway.io/file';
const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A file map whose YAML documents carry their file name, marked when first read. */
export class OriginFiles extends Map<string, string> {
  private readonly marked = new Set<string>();

  override get(file: string): string | undefined {
    const text = super.get(file);
    if (text === undefined || this.marked.has(file)) return text;
    this.marked.add(file);
    const withOrigin = mark(file, text);
    super.set(file, withOrigin);
    return withOrigin;
  }
}

function mark(file: string, text: string): string {
  if (KUSTOMIZATION_FILES.has(path.posix.basename(file)) || !/\.ya?ml$/.test(file)) return text;
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return text; // the build reports it
  let changed = false;
  const values = docs.map((d) => {
    const value = d.toJS() as unknown;
    if (isMap(value) && typeof value.kind === 'string' && isMap(value.metadata)) {
      changed = true;
      const annotations = isMap(value.metadata.annotations) ? value.metadata.annotations : {};
      return { ...value, metadata: { ...value.metadata, annotations: { ...annotations, [ORIGIN]: file } } };
    }
    return value;
  });
  if (!changed) return text;
  return values
    .filter((v) => v !== null && v !== undefined)
    .map((v) => stringify(v, { lineWidth: 0 }))
    .join('---\n');
}

/** The object without the mark, and the file the mark named. */
export function takeOrigin(object: KubeObject): { object: KubeObject; file: string | undefined } {
  const annotations = object.metadata.annotations;
  if (!annotations || !(ORIGIN in annotations)) return { object, file: undefined };
  const { [ORIGIN]: file, ...rest } = annotations;
  const { annotations: _dropped, ...metadata } = object.metadata;
  return { object: { ...object, metadata: Object.keys(rest).length ? { ...metadata, annotations: rest } : metadata }, file };
}
