// Why a browser build stops early: the user canceled it (BuildKit's text, so
// the plain progress prints CANCELED) or a RUN ran past the page's limit.

/** BuildKit's error for a canceled build, as buildx prints it. */
export const CANCELED_MESSAGE = 'Canceled: context canceled';

/** Returns the error a canceled step and build end with. */
export function canceledError(): Error {
  return new Error(CANCELED_MESSAGE);
}

/** Tells whether an error message is a cancellation's. */
export function isCanceled(message: string | undefined): boolean {
  return message?.endsWith('context canceled') ?? false;
}

/** Returns the error of a RUN stopped by the page's time limit per RUN. */
export function runTimeoutError(args: string[], limitMs: number): Error {
  const seconds = Number((limitMs / 1000).toFixed(1));
  return new Error(
    `process "${args.join(' ')}" did not finish within the page's time limit per RUN (${seconds}s) and was stopped`,
  );
}
