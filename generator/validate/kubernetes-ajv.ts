// The ajv setup every Kubernetes schema is compiled with, embedded or from a location.
import { _ } from 'ajv/dist/compile/codegen/index.js';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

export type { ValidateFunction, ErrorObject } from 'ajv';

export function kubernetesAjv(): Ajv.default {
  const ajv = new Ajv.default({
    // Kubernetes schemas carry x-kubernetes-* keywords and formats (int32, byte, ...) that strict
    // mode would refuse; they are annotations, not rules.
    strict: false,
    allErrors: true,
    logger: false,
    // Kubernetes schemas carry Go regular expressions; (?i) becomes JavaScript's i flag.
    code: { regExp: ((pattern: string, flags: string) => (pattern.includes('(?i)') ? new RegExp(pattern.replaceAll('(?i)', ''), `${flags}i`) : new RegExp(pattern, flags))) as never },
  });
  addFormats.default(ajv);
  return ajv;
}

/** The same options for standalone code (scripts/embedded-validators.ts): formats from ajv-formats by require. */
export function standaloneAjv(): Ajv.default {
  const instance = new Ajv.default({ strict: false, allErrors: true, logger: false, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
  addFormats.default(instance);
  return instance;
}
