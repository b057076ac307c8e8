// Flux post-build substitution as kustomize-controller performs it (fluxcd/pkg envsubst).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../generator/catalog/types.ts';
import { envsubst, SubstitutionError, substituteObject } from '../../generator/verify/substitute.ts';

const vars: Record<string, string> = { ZONE: 'retro.example.com', ID: '0b7e3d9a-2c44-4f1e-8a6b-53d2c1f9e7a0', EMPTY: '', NAME: 'velero' };
const sub = (text: string) => envsubst(text, (name) => vars[name] ?? '');

describe('envsubst', () => {
  it('replaces ${VAR} and leaves $VAR without braces alone', () => {
    expect(sub('host: ${ZONE}, id=${ID}')).toBe('host: retro.example.com, id=0b7e3d9a-2c44-4f1e-8a6b-53d2c1f9e7a0');
    expect(sub('echo $ZONE $HOME')).toBe('echo $ZONE $HOME');
  });

  it('replaces an unset variable by nothing (the controller is not strict by default)', () => {
    expect(sub('[${UNSET}]')).toBe('[]');
  });

  it('applies defaults when the value is unset or empty', () => {
    expect(sub('${UNSET:=fallback} ${UNSET:-other} ${EMPTY:=was-empty} ${ZONE:=unused} ${UNSET=plain}')).toBe('fallback other was-empty retro.example.com plain');
    expect(sub('${UNSET:=${ZONE}}')).toBe('retro.example.com');
  });

  it('keeps $${VAR} as the literal ${VAR}, and $$ as one $', () => {
    expect(sub('literal: $${ZONE}')).toBe('literal: ${ZONE}');
    expect(sub('a $$ b $$$${ZONE}')).toBe('a $ b $${ZONE}');
    expect(sub('$$${ZONE}')).toBe('$retro.example.com');
  });

  it('changes case and measures length', () => {
    expect(sub('${NAME^} ${NAME^^} ${ZONE,} ${#NAME}')).toBe('Velero VELERO retro.example.com 6');
  });

  it('refuses what Flux fails on, and what Slipway does not evaluate, naming the expression', () => {
    expect(() => sub('${ZONE')).toThrow(SubstitutionError);
    expect(() => sub('${ZONE')).toThrow(/missing closing brace/);
    expect(() => sub('${}')).toThrow(/unable to parse variable name/);
    expect(() => sub('${ZONE.x}')).toThrow(/missing closing brace in "\$\{ZONE.x}"/);
    expect(() => sub('${ZONE:1:3}')).toThrow(/substring, replace and trim expressions .* are not supported/);
  });
});

const configMap = (data: Record<string, string>, metadata: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n', ...metadata }, data });

describe('substituteObject', () => {
  it('substitutes inside the object and keeps every other string a string', () => {
    const result = substituteObject(configMap({ zone: '${ZONE}', appendonly: 'no', port: '6379', escaped: '$${ZONE}', time: '02:30' }), vars);
    expect(result.data).toEqual({ zone: 'retro.example.com', appendonly: 'no', port: '6379', escaped: '${ZONE}', time: '02:30' });
  });

  it('reads what a substitution produces as YAML would, so an unquoted value can change type', () => {
    const object: KubeObject = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: { replicas: '${REPLICAS}' } };
    // The placeholder is plain text in the YAML, so the value it becomes is read as a number, as Flux reads it.
    expect(substituteObject(object, { REPLICAS: '3' }).spec).toEqual({ replicas: 3 });
  });

  it('leaves objects alone that opt out, and all objects when the Kustomization sets no variables', () => {
    const optedOut = configMap({ zone: '${ZONE}' }, { annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } });
    expect(substituteObject(optedOut, vars)).toBe(optedOut);
    const labelled = configMap({ zone: '${ZONE}' }, { labels: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } });
    expect(substituteObject(labelled, vars)).toBe(labelled);
    const plain = configMap({ zone: '${ZONE}', escaped: '$${ZONE}' });
    expect(substituteObject(plain, {})).toBe(plain);
  });

  it('returns the same object when there is nothing to substitute', () => {
    const plain = configMap({ zone: 'fixed' });
    expect(substituteObject(plain, vars)).toBe(plain);
  });

  it('refuses variable names Flux refuses', () => {
    expect(() => substituteObject(configMap({ a: '${ZONE}' }), { 'BAD-NAME': 'x' })).toThrow(/the variable name "BAD-NAME" is invalid/);
  });
});
