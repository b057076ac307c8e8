// Terraform type constraints (string, list(...), object({...}), optional(...)) parsed from their
// source text, and a check of JSON values against them: what `terraform plan` would accept.

export type HclType =
  | { kind: 'string' | 'number' | 'bool' | 'any' }
  | { kind: 'list' | 'set' | 'map'; element: HclType }
  | { kind: 'object'; fields: Record<string, { type: HclType; optional: boolean }> }
  | { kind: 'tuple'; elements: HclType[] };

export function parseType(source: string): HclType {
  const tokens = source.match(/[A-Za-z_][\w-]*|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|[(){}[\],=]/g) ?? [];
  let i = 0;
  const next = () => tokens[i++]!;
  const expect = (t: string) => {
    const got = next();
    if (got !== t) throw new Error(`expected "${t}" but found "${got}" in ${source}`);
  };
  const skipExpression = () => {
    let depth = 0;
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (depth === 0 && (t === ')' || t === ',')) return;
      if ('([{'.includes(t)) depth++;
      if (')]}'.includes(t)) depth--;
      i++;
    }
  };
  const type = (): { type: HclType; optional: boolean } => {
    const name = next();
    if (['string', 'number', 'bool', 'any'].includes(name)) return { type: { kind: name as 'string' }, optional: false };
    expect('(');
    let result: { type: HclType; optional: boolean };
    if (name === 'optional') {
      result = { type: type().type, optional: true };
      if (tokens[i] === ',') {
        next();
        skipExpression();
      }
    } else if (name === 'list' || name === 'set' || name === 'map') {
      result = { type: { kind: name, element: type().type }, optional: false };
    } else if (name === 'object') {
      expect('{');
      const fields: Record<string, { type: HclType; optional: boolean }> = {};
      while (tokens[i] !== '}') {
        const field = next();
        expect('=');
        fields[field] = type();
        if (tokens[i] === ',') next();
      }
      expect('}');
      result = { type: { kind: 'object', fields }, optional: false };
    } else if (name === 'tuple') {
      expect('[');
      const elements: HclType[] = [];
      while (tokens[i] !== ']') {
        elements.push(type().type);
        if (tokens[i] === ',') next();
      }
      expect(']');
      result = { type: { kind: 'tuple', elements }, optional: false };
    } else {
      throw new Error(`unknown type ${name} in ${source}`);
    }
    expect(')');
    return result;
  };
  const parsed = type().type;
  if (i !== tokens.length) throw new Error(`trailing tokens in ${source}`);
  return parsed;
}

/** Problems of a value against a type; null is left to the caller (nullable). */
export function typeProblems(value: unknown, type: HclType, where: string): string[] {
  if (value === null || type.kind === 'any') return [];
  const bad = (what: string) => [`${where}: expected ${what}, got ${JSON.stringify(value)?.slice(0, 60)}`];
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' ? [] : bad('a string');
    case 'number':
      return typeof value === 'number' ? [] : bad('a number');
    case 'bool':
      return typeof value === 'boolean' ? [] : bad('a bool');
    case 'list':
    case 'set':
      return Array.isArray(value) ? value.flatMap((v, i) => typeProblems(v, type.element, `${where}[${i}]`)) : bad(`a ${type.kind}`);
    case 'tuple':
      return Array.isArray(value) && value.length === type.elements.length ? value.flatMap((v, i) => typeProblems(v, type.elements[i]!, `${where}[${i}]`)) : bad('a tuple');
    case 'map':
      return isObject(value) ? Object.entries(value).flatMap(([k, v]) => typeProblems(v, type.element, `${where}.${k}`)) : bad('a map');
    case 'object': {
      if (!isObject(value)) return bad('an object');
      const problems = Object.keys(value).filter((k) => !(k in type.fields)).map((k) => `${where}: attribute "${k}" is not in the object type`);
      for (const [k, f] of Object.entries(type.fields)) {
        if (!(k in value)) {
          if (!f.optional) problems.push(`${where}: required attribute "${k}" is missing`);
        } else problems.push(...typeProblems(value[k], f.type, `${where}.${k}`));
      }
      return problems;
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
