// Progress events: what a solve reports, as data. Renderers turn them into
// BuildKit's plain format, JSON lines or the web timeline.

import type { Range } from './diagnostic.ts';

/** One progress event; `time` is milliseconds from a clock the caller passes in. */
export type ProgressEvent =
  | { kind: 'vertex-start'; vertex: string; name: string; time: number }
  | {
      kind: 'vertex-log';
      vertex: string;
      stream: 1 | 2;
      data: string;
      time: number;
    }
  | { kind: 'vertex-cached'; vertex: string; name: string; time: number }
  | { kind: 'vertex-done'; vertex: string; time: number }
  | { kind: 'vertex-error'; vertex: string; error: string; time: number }
  | {
      /** A progress row of a vertex, e.g. `transferring dockerfile: 137B done`. */
      kind: 'vertex-status';
      vertex: string;
      /** The row's name, e.g. `transferring dockerfile:`. */
      id: string;
      /** Bytes (or items) done so far, and in all when known. */
      current: number;
      total?: number;
      started?: number;
      /** Set once the row is done. */
      completed?: number;
      time: number;
    }
  | {
      /** A warning on a vertex, e.g. a build check as `Rule: message (line N)`. */
      kind: 'vertex-warning';
      vertex: string;
      short: string;
      /** Longer text, e.g. the check's description. */
      detail?: string[];
      url?: string;
      /** The Dockerfile lines the warning is about. */
      range?: Range;
      time: number;
    };
