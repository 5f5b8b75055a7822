// Progress events as BuildKit's SolveStatus, the object `--progress=rawjson`
// prints once per update: vertexes (digest, inputs, name, started,
// completed, cached, error), statuses, logs (base64 data) and warnings,
// fields left out when empty.

import type { ProgressEvent } from '../model/progress.ts';
import { contentHash } from '../plan/content-hash.ts';

/** A vertex as SolveStatus carries it. */
export interface SolveVertex {
  digest: string;
  inputs?: string[];
  name?: string;
  started?: string;
  completed?: string;
  cached?: boolean;
  error?: string;
}

/** A process output chunk; `data` is base64, as Go encodes `[]byte`. */
export interface SolveLog {
  vertex: string;
  stream?: number;
  data?: string;
  timestamp: string;
}

/** A progress row of a vertex, e.g. `transferring dockerfile:`. */
export interface SolveVertexStatus {
  id: string;
  vertex: string;
  total?: number;
  current: number;
  timestamp: string;
  started?: string;
  completed?: string;
}

/** A line range as BuildKit's source ranges carry it. */
export interface SolveRange {
  start: { line: number };
  end: { line: number };
}

/** A warning on a vertex; `short` and `detail` are base64, as Go encodes `[]byte`. */
export interface SolveWarning {
  vertex: string;
  level: number;
  short: string;
  detail?: string[];
  url?: string;
  range?: SolveRange[];
}

/** One update: what changed since the previous one. */
export interface SolveStatus {
  vertexes?: SolveVertex[];
  statuses?: SolveVertexStatus[];
  logs?: SolveLog[];
  warnings?: SolveWarning[];
}

/** Turns events into updates; it remembers vertices to repeat them whole. */
export interface SolveStatusWriter {
  write(event: ProgressEvent): SolveStatus;
}

/** Creates a writer; `inputs` names the vertices a vertex reads, if known. */
export function createSolveStatusWriter(
  inputs: (vertex: string) => string[] = () => [],
): SolveStatusWriter {
  const vertices = new Map<string, SolveVertex>();
  const vertexOf = (id: string, name?: string): SolveVertex => {
    let vertex = vertices.get(id);
    if (!vertex) {
      const reads = inputs(id).map(digestOf);
      vertex = {
        digest: digestOf(id),
        ...(reads.length > 0 ? { inputs: reads } : {}),
      };
      vertices.set(id, vertex);
    }
    if (name !== undefined) vertex.name = name;
    return vertex;
  };

  return {
    write(event): SolveStatus {
      const time = new Date(event.time).toISOString();
      switch (event.kind) {
        case 'vertex-start': {
          const vertex = vertexOf(event.vertex, event.name);
          vertex.started = time;
          delete vertex.completed;
          return { vertexes: [{ ...vertex }] };
        }
        case 'vertex-cached': {
          const vertex = vertexOf(event.vertex, event.name);
          Object.assign(vertex, {
            started: time,
            completed: time,
            cached: true,
          });
          return { vertexes: [{ ...vertex }] };
        }
        case 'vertex-done': {
          const vertex = vertexOf(event.vertex);
          vertex.completed = time;
          return { vertexes: [{ ...vertex }] };
        }
        case 'vertex-error': {
          const vertex = vertexOf(event.vertex);
          Object.assign(vertex, { completed: time, error: event.error });
          return { vertexes: [{ ...vertex }] };
        }
        case 'vertex-status':
          return { statuses: [statusOf(vertexOf(event.vertex).digest, event)] };
        case 'vertex-warning':
          return {
            warnings: [warningOf(vertexOf(event.vertex).digest, event)],
          };
        case 'vertex-log':
          return {
            logs: [
              {
                vertex: vertexOf(event.vertex).digest,
                stream: event.stream,
                data: base64Utf8(event.data),
                timestamp: time,
              },
            ],
          };
      }
    },
  };
}

function statusOf(
  digest: string,
  event: Extract<ProgressEvent, { kind: 'vertex-status' }>,
): SolveVertexStatus {
  const iso = (ms: number) => new Date(ms).toISOString();
  // Keys in Go's field order: id, vertex, total, current, timestamp...
  const status: SolveVertexStatus = {
    id: event.id,
    vertex: digest,
    ...(event.total ? { total: event.total } : {}),
    current: event.current,
    timestamp: iso(event.time),
  };
  if (event.started !== undefined) status.started = iso(event.started);
  if (event.completed !== undefined) status.completed = iso(event.completed);
  return status;
}

// BuildKit's frontends warn at level 1; ranges carry lines only, as the
// Dockerfile frontend's instruction ranges do.
function warningOf(
  digest: string,
  event: Extract<ProgressEvent, { kind: 'vertex-warning' }>,
): SolveWarning {
  const warning: SolveWarning = {
    vertex: digest,
    level: 1,
    short: base64Utf8(event.short),
  };
  if (event.detail?.length) warning.detail = event.detail.map(base64Utf8);
  if (event.url) warning.url = event.url;
  if (event.range) {
    const { start, end } = event.range;
    warning.range = [{ start: { line: start.line }, end: { line: end.line } }];
  }
  return warning;
}

/** Vertex ids are digests already; internal steps get one from their id. */
function digestOf(id: string): string {
  return /^sha256:[0-9a-f]{64}$/.test(id) ? id : contentHash({ vertex: id });
}

const ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of the UTF-8 bytes of `text` (core has no Buffer or btoa). */
export function base64Utf8(text: string): string {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) {
      bytes.push(
        0xe0 | (code >> 12),
        0x80 | ((code >> 6) & 63),
        0x80 | (code & 63),
      );
    } else {
      bytes.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 63),
        0x80 | ((code >> 6) & 63),
        0x80 | (code & 63),
      );
    }
  }
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = bytes.slice(i, i + 3);
    const n = (a << 16) | (b << 8) | c;
    const left = bytes.length - i;
    out += ALPHABET[(n >> 18) & 63];
    out += ALPHABET[(n >> 12) & 63];
    out += left > 1 ? ALPHABET[(n >> 6) & 63] : '=';
    out += left > 2 ? ALPHABET[n & 63] : '=';
  }
  return out;
}
