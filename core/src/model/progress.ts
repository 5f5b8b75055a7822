// Progress events: what a solve reports, as data. Renderers turn them into
// BuildKit's plain format, JSON lines or the web timeline.

/** One progress event; `time` is milliseconds from a clock the caller passes in. */
export type ProgressEvent =
  | { kind: 'vertex-start'; vertex: string; name: string; time: number }
  | { kind: 'vertex-log'; vertex: string; stream: 1 | 2; data: string; time: number }
  | { kind: 'vertex-cached'; vertex: string; name: string; time: number }
  | { kind: 'vertex-done'; vertex: string; time: number }
  | { kind: 'vertex-error'; vertex: string; error: string; time: number };
