// What every command gets and returns. Commands never call process.exit, so tests run them in-process.
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: NodeJS.ProcessEnv;
}

/** 0 ok, 1 invalid input or drift, 2 usage or internal error (the CLI contract). */
export type ExitCode = 0 | 1 | 2;

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: Io): Promise<ExitCode> | ExitCode;
}

export class UsageError extends Error {}
