// Flux post-build substitution, as kustomize-controller applies it to every object a Kustomization
// builds (fluxcd/pkg kustomize SubstituteVariables with its envsubst fork): the object is written as
// YAML, ${VAR} expressions in that text are replaced, and the text is read back as YAML 1.1
// (sigs.k8s.io/yaml). An unset variable becomes "" (the controller's default, non-strict mode).
//   ${VAR}  ${VAR:=default}  ${VAR:-default}  ${VAR=default}  (also :? and :+, which Flux treats as :=)
//   ${VAR^} ${VAR^^} ${VAR,} ${VAR,,} ${#VAR}
//   $${VAR} is an escape: it leaves the literal text ${VAR}; $VAR without braces is never replaced.
// Substring, replace and trim expressions are refused by name rather than guessed.
import { parse } from 'yaml';
import type { KubeObject } from '../catalog/types.ts';
import { toYaml } from '../render/yaml.ts';

export class SubstitutionError extends Error {}

/** kustomize-controller refuses variable names outside this pattern. */
export const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const DISABLE_KEY = 'kustomize.toolkit.fluxcd.io/substitute';

export type Variables = Readonly<Record<string, string>>;

/** The object after substitution; the same object when nothing could change. */
export function substituteObject(object: KubeObject, variables: Variables): KubeObject {
  if (object.metadata.labels?.[DISABLE_KEY] === 'disabled' || object.metadata.annotations?.[DISABLE_KEY] === 'disabled') return object;
  // The controller substitutes only when the Kustomization defines variables.
  if (Object.keys(variables).length === 0) return object;
  for (const name of Object.keys(variables)) {
    if (!VARIABLE_NAME.test(name)) throw new SubstitutionError(`the variable name "${name}" is invalid; Flux accepts names matching ${VARIABLE_NAME.source}`);
  }
  // Without a "$" the text cannot change, and the YAML round trip is the identity.
  if (!JSON.stringify(object).includes('$')) return object;
  // Strings a YAML 1.1 reader would take for something else are quoted, as kyaml's writer does.
  const text = envsubst(toYaml(object), (name) => variables[name] ?? '');
  const result = parse(text, { version: '1.1', uniqueKeys: false }) as KubeObject | null;
  if (!result || typeof result !== 'object') throw new SubstitutionError('substitution left no object');
  return result;
}

/** The variables an object refers to, as post-build substitution would look them up. */
export function referencedVariables(object: KubeObject): string[] {
  const text = JSON.stringify(object);
  if (!text.includes('${')) return [];
  const names = new Set<string>();
  envsubst(toYaml(object), (name) => {
    names.add(name);
    return '';
  });
  return [...names].sort();
}

/** Substitutes every expression in text; `value` gives a variable's value ("" when unset). */
export function envsubst(text: string, value: (name: string) => string): string {
  const parser = new Parser(text, value);
  return parser.text();
}

const isIdent = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

class Parser {
  private at = 0;

  constructor(
    private readonly source: string,
    private readonly value: (name: string) => string,
  ) {}

  /** Top level: "$$" keeps one "$" as text; "${" starts an expression; everything else is text. */
  text(): string {
    let out = '';
    const s = this.source;
    while (this.at < s.length) {
      const c = s[this.at]!;
      if (c === '$' && s[this.at + 1] === '{') {
        this.at += 2;
        out += this.expression();
      } else if (c === '$' && s[this.at + 1] === '$') {
        // The kept "$" is text, so "$${X}" gives the literal "${X}".
        out += '$';
        this.at += 2;
      } else {
        out += c;
        this.at++;
      }
    }
    return out;
  }

  private fail(reason: string): never {
    const start = this.source.lastIndexOf('${', this.at);
    throw new SubstitutionError(`${reason} in "${this.source.slice(Math.max(0, start), Math.min(this.source.length, this.at + 20)).split('\n')[0]}"`);
  }

  private peek = (offset = 0) => this.source[this.at + offset];

  /** After "${": NAME, then "}" or an operator. */
  private expression(): string {
    if (this.peek() === '#') {
      this.at++;
      const name = this.name();
      this.close();
      return String([...this.value(name)].length);
    }
    const name = this.name();
    const next = this.peek();
    if (next === '}') {
      this.at++;
      return this.value(name);
    }
    if ((next === ':' && '=-?+'.includes(this.peek(1) ?? 'x')) || next === '=') {
      this.at += next === ':' ? 2 : 1;
      const args = this.parameters();
      const current = this.value(name);
      // Flux's toDefault: the first argument when the value is empty (unset reads as empty).
      return current === '' && args.length > 0 ? args[0]! : current;
    }
    if (next === '^' || next === ',') {
      let op = next;
      this.at++;
      if (this.peek() === next) {
        op += next;
        this.at++;
      }
      this.close();
      const v = this.value(name);
      const first = (f: (s: string) => string) => (v ? f(v.charAt(0)) + v.slice(1) : v);
      return op === '^' ? first((s) => s.toUpperCase()) : op === '^^' ? v.toUpperCase() : op === ',' ? first((s) => s.toLowerCase()) : v.toLowerCase();
    }
    if (next === ':' || next === '/' || next === '#' || next === '%') this.fail(`the substring, replace and trim expressions ("\${${name}${next}...}") are not supported by Slipway's substitution; use \${${name}} or \${${name}:=default}`);
    this.fail('missing closing brace');
  }

  private name(): string {
    const start = this.at;
    while (isIdent(this.peek())) this.at++;
    if (this.at === start) this.fail('unable to parse variable name');
    return this.source.slice(start, this.at);
  }

  private close(): void {
    if (this.peek() !== '}') this.fail('missing closing brace');
    this.at++;
  }

  /** Default-operator arguments up to "}": text runs (with "$$", "\\" and "\/" escapes) and nested expressions. */
  private parameters(): string[] {
    const args: string[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('missing closing brace');
      if (c === '}') {
        this.at++;
        return args;
      }
      if (c === '$' && this.peek(1) === '{') {
        this.at += 2;
        args.push(this.expression());
        continue;
      }
      let run = '';
      while (this.peek() !== undefined && this.peek() !== '}' && !(this.peek() === '$' && this.peek(1) === '{')) {
        const ch = this.peek()!;
        if ((ch === '$' && this.peek(1) === '$') || (ch === '\\' && (this.peek(1) === '\\' || this.peek(1) === '/'))) {
          run += this.peek(1);
          this.at += 2;
          continue;
        }
        run += ch;
        this.at++;
      }
      args.push(run);
    }
  }
}
