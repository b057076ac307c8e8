// What every command gets and returns. Commands never call process.exit, so tests run them in-process.
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface Input {
  readonly isTTY?: boolean;
}

export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: NodeJS.ProcessEnv;
  /** Standard input, for commands that may ask questions on a terminal (init). */
  readonly stdin?: Input & NodeJS.ReadableStream;
}

/** 0 ok, 1 invalid input or drift, 2 usage or internal error (the CLI contract). */
export type ExitCode = 0 | 1 | 2;

export interface Command {
  readonly name: string;
  readonly usage: string;
  run(args: readonly string[], io: Io): Promise<ExitCode> | ExitCode;
}

/** Bad arguments: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * The command cannot run for a reason outside the input: a folder it may not write, a full disk, a
 * network that does not answer. Printed as one line naming the path or host and the cause, exit 2.
 */
export class EnvironmentError extends Error {}
