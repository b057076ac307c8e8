// Same input, same bytes: twice in a row, with keys in another order, from another working
// directory and in another time zone and locale through the real binary.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, parseDocument, type Node } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cliFromSource, inWorkspace, repoRoot, runCli, snapshotTree } from './helpers/workspace.ts';

async function generatedTree(prepare?: () => void): Promise<Map<string, string>> {
  return inWorkspace(async (ws) => {
    prepare?.();
    expect((await runCli(['generate'])).code).toBe(0);
    return snapshotTree(path.join(ws, 'out'));
  });
}

/** Reverses the order of every mapping's keys, comments kept. */
function reverseKeys(node: unknown): void {
  if (isMap(node)) {
    node.items.reverse();
    for (const pair of node.items) reverseKeys(pair.value);
  } else if (isSeq(node)) {
    for (const item of node.items) reverseKeys(item as Node);
  }
}

describe('deterministic output', () => {
  it('is identical when generated twice in fresh workspaces', async () => {
    expect(await generatedTree()).toEqual(await generatedTree());
  });

  it('does not depend on the key order of the input', async () => {
    const reference = await generatedTree();
    const shuffled = await generatedTree(() => {
      for (const file of ['environments/numbers-prod.yaml', 'environments/numbers-test.yaml']) {
        const text = readFileSync(file, 'utf8');
        const doc = parseDocument(text);
        reverseKeys(doc.contents);
        const out = `# yaml-language-server: $schema=../schema/environment.schema.json\n${doc.toString()}`;
        expect(out).not.toBe(text);
        writeFileSync(file, out);
      }
    });
    expect(shuffled).toEqual(reference);
  });

  it('does not depend on the working directory, time zone or locale', async () => {
    const reference = await generatedTree();
    const other = await inWorkspace(async (ws) => {
      execFileSync(process.execPath, [...cliFromSource, 'generate'], {
        cwd: ws,
        env: { ...process.env, TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
        stdio: 'pipe',
      });
      return snapshotTree(path.join(ws, 'out'));
    });
    expect(other).toEqual(reference);
    for (const content of other.values()) {
      expect(content).not.toContain(repoRoot);
      expect(content).not.toMatch(/\/tmp\/|slipway-test-/);
    }
  });
});

describe('the committed out/', () => {
  it('is exactly what the generator produces (generate --check in the repository)', () => {
    const run = execFileSync(process.execPath, [...cliFromSource, 'generate', '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run).toContain('out/ is up to date.');
  });
});
