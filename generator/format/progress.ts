// Progress of a long run, for a person at a terminal: one line on stderr rewritten in place
// ("loading environments 37/120"), only for fleets of more than 20 environments and only when
// stderr is a terminal, so CI logs, pipes and tests get none of it.
import type { Output } from '../commands/command.ts';

export const PROGRESS_THRESHOLD = 20;
/** Redraw at most this often: a terminal cannot show more, and writes cost. */
const INTERVAL_MS = 100;

export type OnProgress = (done: number, total: number) => void;

export interface Progress {
  /** A callback for one phase ("loading environments"), to pass to the code that loops. */
  phase(label: string): OnProgress;
  /** Clears the line before the command prints its result. */
  end(): void;
}

const silent: Progress = { phase: () => () => {}, end: () => {} };

export function progress(stderr: Output, environments: number, now: () => number = Date.now): Progress {
  if (!stderr.isTTY || environments <= PROGRESS_THRESHOLD) return silent;
  let last = -Infinity;
  let shown = false;
  return {
    phase: (label) => (done, total) => {
      const t = now();
      if (done < total && t - last < INTERVAL_MS) return;
      last = t;
      shown = true;
      stderr.write(`\r\u001b[K${label} ${done}/${total}`);
    },
    end: () => {
      if (shown) stderr.write('\r\u001b[K');
      shown = false;
    },
  };
}
