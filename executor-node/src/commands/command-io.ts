// The streams a command writes to; the CLI passes the process's own, tests
// may pass others.

/** Where a command prints: results to stdout, progress and errors to stderr. */
export interface CommandIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** True when stderr is a terminal. */
  isTTY?: boolean;
}

/** Returns the process's own streams. */
export function processIO(): CommandIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: process.stderr.isTTY === true,
  };
}
