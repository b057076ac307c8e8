// Values an environment file may not hold, whatever field they are in:
// - credentials (VALUE_SECRET): the file is committed and rendered into out/, so a credential in it
//   leaks. The value is never repeated in a message: the issue names the kind, the field and the place.
// - template syntax (VALUE_TEMPLATE): values reach files that tools read as templates. "${" is a
//   variable for Flux post-build substitution (every Kustomization Slipway writes substitutes) and
//   becomes `{{ requiredEnv }}` in helmfile values; "{{" starts a Go template action (Helm, helmfile,
//   app-template's tpl, Alertmanager); "%{" is a Terraform or external-dns template directive.
//   No field takes a template of its own except releases.externalDns.txtPrefix's "%{record_type}",
//   which external-dns itself expands. Refusing is simpler to state and to test than escaping per
//   output, and no real value needs these pairs; "$", "{" and "%" alone stay allowed and are written
//   as they are.
// - control characters (VALUE_CONTROL_CHARACTER): invisible or direction-changing characters hide
//   text from reviewers and rewrite terminal output.
import { isMap, isScalar, type Node, type Scalar } from 'yaml';
import type { Issue } from '../issues.ts';
import { globally, isRandomToken, RANDOM_KEY, redactSecrets, SECRET_PATTERNS, secretKind, TOKEN_CANDIDATE } from '../secrets.ts';
import { walkYaml, type YamlPath } from './walk.ts';
import type { YamlSource } from './yaml-document.ts';

/** Template syntax a value may hold at a path, because the consuming tool expands it on purpose. */
const ALLOWED_TEMPLATES: ReadonlyArray<{ readonly path: string; readonly text: string }> = [{ path: 'releases.externalDns.txtPrefix', text: '%{record_type}' }];

const TEMPLATE_MARKERS: ReadonlyArray<readonly [string, string]> = [
  ['${', 'Flux post-build substitution and helmfile read "${NAME}" as a variable: the text would be replaced by its value, or make helmfile read the environment variable it names'],
  ['{{', 'Helm, helmfile and Alertmanager read "{{" as the start of a Go template action, which runs instead of being written as text'],
  ['%{', 'Terraform and external-dns read "%{" as the start of a template directive'],
];

// C0 and C1 controls except tab and line feed, and the Unicode marks that reorder or hide text.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** The credential patterns that make sense on one line of an environment file (not whole manifests). */
const LINE_PATTERNS = SECRET_PATTERNS.filter(([what]) => what !== 'base64 secret data');
const LINE_PATTERNS_GLOBAL = LINE_PATTERNS.map(([what, re]) => [what, globally(re)] as const);
/**
 * The patterns that can match "key: value" when neither the key nor the value matches alone: only
 * those that take a name, then ":" and a space, then the value. No other pattern matches ": ".
 */
const PAIR_PATTERNS = LINE_PATTERNS.filter(([what]) => what === 'password value' || what === 'client secret').map(([, re]) => re);

export interface ValueCheckResult {
  readonly issues: Issue[];
  /** A credential was found: nothing that could quote values (schema messages) may run on this file. */
  readonly secret: boolean;
}

/**
 * `parsed`: the document parsed cleanly, so its values are checked one by one. Otherwise only the
 * text is scanned for credentials, so that a file with a syntax error still gets VALUE_SECRET.
 */
export function valueIssues(source: YamlSource, parsed: boolean): ValueCheckResult {
  const issues: Issue[] = [];
  const secretRanges: Array<readonly [number, number]> = [];
  const issue = (code: string, node: Node, path: YamlPath, message: string, hint: string) => {
    const { line, col } = source.lines.linePos(node.range?.[0] ?? 0);
    issues.push({ code, severity: 'error', file: source.file, line, column: col, path: path.join('.'), message, hint });
  };
  const name = (path: YamlPath, isKey: boolean) => (isKey ? `A key of ${path.length ? `"${path.join('.')}"` : 'the top level'}` : `"${path.join('.')}"`);

  /** Reports a credential in `text`, at `node`, and marks [from, to) of the source as reported. */
  const checkSecret = (node: Scalar, path: YamlPath, isKey: boolean, text: string, from = node.range?.[0] ?? 0) => {
    const kind = secretKind(text);
    if (!kind) return false;
    secretRanges.push([from, node.range?.[1] ?? from]);
    issue(
      'VALUE_SECRET',
      node,
      path,
      `${name(path, isKey)} holds what looks like ${article(kind)}. Environment files are committed and rendered into out/, so a credential in one leaks; the value is not repeated here.`,
      'Remove it and keep the credential in Azure Key Vault, which Terraform fills and pods read through the Key Vault secrets provider. If it was ever committed or pushed, revoke it: it stays in git history.',
    );
    return true;
  };

  if (parsed) walkYaml(source.root, {
    collection(node, path) {
      // "password: hunter2" in a mapping of free names (tags): the pair says what the value is.
      if (isMap(node)) {
        for (const { key, value } of node.items) {
          if (!isScalar(key) || !isScalar(value) || typeof value.value !== 'string' || secretKind(value.value) !== undefined) continue;
          const pair = `${String(key.value)}: ${value.value}`;
          if (PAIR_PATTERNS.some((re) => re.test(pair))) checkSecret(value, [...path, String(key.value)], false, pair, key.range?.[0]);
        }
      }
      return true;
    },
    scalar(node, path, isKey) {
      if (typeof node.value !== 'string') return;
      const value = node.value;
      if (checkSecret(node, path, isKey, value)) return;
      const control = CONTROL.exec(value);
      if (control) {
        const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
        issue(
          'VALUE_CONTROL_CHARACTER',
          node,
          path,
          `${name(path, isKey)} contains the invisible character U+${code}, which can hide or reorder text for reviewers and terminals.`,
          'Retype the value with visible characters only (in double quotes, escapes such as \\t are fine).',
        );
      }
      const marker = TEMPLATE_MARKERS.find(([m]) => withoutAllowedTemplates(value, path, isKey).includes(m));
      if (marker) {
        issue(
          'VALUE_TEMPLATE',
          node,
          path,
          `${name(path, isKey)} contains "${marker[0]}": ${marker[1]}. Values from an environment file are written as data, never as templates.`,
          `Remove "${marker[0]}" from the value (a "$", "{" or "%" on its own is fine); no field takes template syntax except releases.externalDns.txtPrefix, which takes %{record_type}.`,
        );
      }
    },
  });

  // Comments are committed too (and a file that does not parse has no values yet): a credential
  // outside the values checked above is reported at its line, as field "".
  const { text } = source;
  const found: Array<{ offset: number; length: number; what: string }> = [];
  for (const [what, re] of LINE_PATTERNS_GLOBAL) for (const m of text.matchAll(re)) found.push({ offset: m.index, length: m[0].length, what });
  for (const m of text.matchAll(TOKEN_CANDIDATE)) if (isRandomToken(m[0])) found.push({ offset: m.index, length: m[0].length, what: RANDOM_KEY });
  for (const { offset, length, what } of found.sort((a, b) => a.offset - b.offset)) {
    if (secretRanges.some(([from, to]) => offset < to && offset + length > from)) continue;
    secretRanges.push([offset, offset + length]);
    const { line, col } = source.lines.linePos(offset);
    issues.push({
      code: 'VALUE_SECRET',
      severity: 'error',
      file: source.file,
      line,
      column: col,
      path: '',
      message: `Line ${line} holds what looks like ${article(what)}${parsed ? ' outside any value (in a comment)' : ''}. Environment files are committed, so a credential in one leaks; it is not repeated here.`,
      hint: 'Remove it from the file; credentials live in Azure Key Vault. If it was ever committed or pushed, revoke it: it stays in git history.',
    });
  }
  return { issues, secret: secretRanges.length > 0 };
}

/** The value with the template text its field may hold taken out (the path is joined only for a value that could hold some). */
function withoutAllowedTemplates(value: string, path: YamlPath, isKey: boolean): string {
  if (isKey || !value.includes('{')) return value;
  const dotted = path.join('.');
  let text = value;
  for (const allowed of ALLOWED_TEMPLATES) if (allowed.path === dotted) text = text.split(allowed.text).join('');
  return text;
}

const article = (noun: string) => `${/^[aeiou]|^(AWS|npm)\b/.test(noun) ? 'an' : 'a'} ${noun}`;

/** An issue with anything that looks like a credential taken out of its text (a second line of defence). */
export const scrubIssue = <T extends Issue>(i: T): T => ({ ...i, message: redactSecrets(i.message), path: redactSecrets(i.path), ...(i.hint !== undefined && { hint: redactSecrets(i.hint) }) });
