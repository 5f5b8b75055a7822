// The streams a command writes to; the CLI passes the process's own, tests
// may pass others.

/** Where a command prints: results to stdout, progress and errors to stderr. */
export interface CommandIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** True when stderr is a terminal. */
  isTTY?: boolean;
}

// Node makes process.stdout and process.stderr on first use, loading `net`
// for a pipe or `tty` for a terminal: milliseconds a quiet, all-cached build
// need not spend. Which of them a command has really used.
const opened = new Set<NodeJS.WriteStream>();

/** Returns the process's own streams, each made when something is written. */
export function processIO(): CommandIO {
  return {
    stdout: lazyStream(() => process.stdout),
    stderr: lazyStream(() => process.stderr),
    get isTTY() {
      return process.stderr.isTTY === true;
    },
  };
}

/** Calls `done` once what was written to the process's streams is out. */
export function drainProcessIO(done: () => void): void {
  const streams = [...opened];
  const next = (): void => {
    const stream = streams.shift();
    if (stream) stream.write('', next);
    else done();
  };
  next();
}

/** A stream that opens the real one on the first non-empty write or read. */
function lazyStream(open: () => NodeJS.WriteStream): NodeJS.WriteStream {
  const real = () => {
    const stream = open();
    opened.add(stream);
    return stream;
  };
  return new Proxy({} as NodeJS.WriteStream, {
    get(_, prop) {
      if (prop === 'write') {
        return (text: string, ...rest: unknown[]) =>
          text === '' && rest.length === 0
            ? true
            : (real().write as (...args: unknown[]) => boolean)(text, ...rest);
      }
      const stream = real();
      const value = Reflect.get(stream, prop, stream) as unknown;
      return typeof value === 'function' ? value.bind(stream) : value;
    },
    set(_, prop, value) {
      return Reflect.set(real(), prop, value);
    },
  });
}
