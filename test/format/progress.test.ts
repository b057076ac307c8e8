// Progress lines: for a person at a terminal with a fleet, never in logs, pipes or small runs.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { progress, PROGRESS_THRESHOLD } from '../../generator/format/progress.ts';
import { inWorkspace, runCli } from '../helpers/workspace.ts';

const recorder = (isTTY: boolean) => {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } };
};

describe('progress', () => {
  it('draws one line in place on a terminal, at most every 100 ms, always the last step, and clears it', () => {
    const { writes, stream } = recorder(true);
    let t = 0;
    const p = progress(stream, PROGRESS_THRESHOLD + 1, () => t);
    const step = p.phase('loading environments');
    step(1, 3);
    t = 50;
    step(2, 3); // too soon
    t = 60;
    step(3, 3); // the last step is always shown
    p.end();
    expect(writes).toEqual(['\r\u001b[Kloading environments 1/3', '\r\u001b[Kloading environments 3/3', '\r\u001b[K']);
  });

  it('stays silent off a terminal and for fleets of 20 or fewer', () => {
    for (const [tty, n] of [[false, 500], [true, PROGRESS_THRESHOLD]] as const) {
      const { writes, stream } = recorder(tty);
      const p = progress(stream, n);
      p.phase('x')(1, 1);
      p.end();
      expect(writes).toEqual([]);
    }
  });

  it('shows generate\'s phases on a terminal for a fleet of 21, and nothing in the output of a pipe', async () => {
    await inWorkspace(async () => {
      const template = readFileSync('environments/numbers-test.yaml', 'utf8');
      for (let i = 1; i <= 20; i++) {
        const name = `fleet-${String(i).padStart(2, '0')}`;
        writeFileSync(`environments/${name}.yaml`, template.replace('name: numbers-test', `name: ${name}`).replace('zone: test.retro.numbers.example.com', `zone: ${name}.retro.numbers.example.com`).replace('host: retro.test.retro.numbers.example.com', `host: retro.${name}.retro.numbers.example.com`));
      }
      const tty = await runCli(['generate'], {}, true);
      expect(tty.code, tty.stderr).toBe(0);
      const fleet = readdirSync('environments').filter((f) => f.endsWith('.yaml')).length; // the examples and the 20 copies
      expect(fleet).toBeGreaterThan(PROGRESS_THRESHOLD);
      for (const phase of [`loading environments ${fleet}/${fleet}`, `rendering and validating ${fleet}/${fleet}`, 'writing out/']) expect(tty.stderr).toContain(phase);
      expect(tty.stderr.endsWith('\r\u001b[K') || !tty.stderr.includes('\r')).toBe(true);
      const pipe = await runCli(['generate', '--check']);
      expect(pipe.stderr).not.toContain('\r');
    });
  });
});
