// Sends an image source's pull rows to the progress vertex that is running:
// the solve drives one step at a time, so that is the last one started.

import type { ProgressEvent } from '../../../core/src/index.ts';

/** A progress sink with a side door for log rows of the running vertex. */
export interface ProgressTap {
  onEvent(event: ProgressEvent): void;
  /** Writes a row under the vertex started last and not yet finished. */
  log(line: string): void;
}

// Only these end a vertex: logs, status rows and warnings arrive while it
// runs (or after it ended) and leave it where it is.
const ENDS_VERTEX = new Set<ProgressEvent['kind']>([
  'vertex-done',
  'vertex-error',
  'vertex-cached',
]);

/** Wraps `onEvent` so rows written through `log` land on the running vertex. */
export function createProgressTap(
  onEvent: (event: ProgressEvent) => void,
  now: () => number = Date.now,
): ProgressTap {
  const running: string[] = [];
  return {
    onEvent(event) {
      if (event.kind === 'vertex-start') running.push(event.vertex);
      else if (ENDS_VERTEX.has(event.kind)) {
        const at = running.lastIndexOf(event.vertex);
        if (at >= 0) running.splice(at, 1);
      }
      onEvent(event);
    },
    log(line) {
      const vertex = running[running.length - 1];
      if (vertex === undefined) return;
      onEvent({
        kind: 'vertex-log',
        vertex,
        stream: 1,
        data: `${line}\n`,
        time: now(),
      });
    },
  };
}
