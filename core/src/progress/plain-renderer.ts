// Renders progress events in BuildKit's `--progress=plain` format: `#N name`
// headers numbered in order of first print, status rows, `WARN:` rows, timed
// log rows, and DONE, CACHED or ERROR lines.

import type { ProgressEvent } from '../model/progress.ts';
import { formatFixed, formatUnitBytes } from './go-format.ts';

/** Options for the plain renderer. */
export interface PlainRendererOptions {
  /** Printed once as `#0 <header>` before the first vertex, as buildx does. */
  header?: string;
}

/** A stateful plain-format renderer: feed it events, print what it returns. */
export interface PlainRenderer {
  /** Returns the text this event adds to the output (may be empty). */
  write(event: ProgressEvent): string;
  /** Returns the number a vertex was given, if it was printed. */
  indexOf(vertex: string): number | undefined;
  /** Returns the closing block for failed vertices: their name and last 10 log rows. */
  errorSummary(): string;
}

interface VertexState {
  index: number;
  name: string;
  /** When the vertex last started; unset while it is not running. */
  start?: number;
  /** First-start time, for log row offsets. */
  firstStart?: number;
  /** Closed running intervals, `[start, stop]`, merged when DONE is printed. */
  intervals: [number, number][];
  completed: boolean;
  /** The DONE, CACHED or ERROR text last printed, repeated after late rows. */
  completion?: string;
  /** Status rows last printed, by id, for throttling their updates. */
  statuses: Map<string, { current: number; time: number }>;
  /** The unfinished last log row (`<t> <text>`), if any. */
  partial?: string;
  /** How much of `partial` is on screen under the current header. */
  partialShown: number;
  /** The last log rows (`<t> <text>`), for the error summary. */
  recent: string[];
  error?: string;
}

const RECENT_ROWS = 10;
const CANCELED = 'context canceled';
/** An unfinished status row prints again after this share of its total... */
const MIN_PROGRESS_DELTA = 0.05;
/** ...or after this many milliseconds. */
const MIN_TIME_DELTA = 5000;

/** Creates a renderer for BuildKit's plain progress format. */
export function createPlainRenderer(
  options: PlainRendererOptions = {},
): PlainRenderer {
  const vertices = new Map<string, VertexState>();
  let current: string | undefined;
  let printedAny = false;
  let nextIndex = 0;

  function state(vertex: string, name?: string): VertexState {
    let v = vertices.get(vertex);
    if (!v) {
      v = {
        index: 0,
        name: name ?? vertex,
        intervals: [],
        completed: false,
        statuses: new Map(),
        partialShown: 0,
        recent: [],
      };
      vertices.set(vertex, v);
    }
    if (name !== undefined) v.name = name;
    return v;
  }

  function activate(vertex: string, v: VertexState): string {
    if (v.index === 0) v.index = ++nextIndex;
    if (current === vertex) return '';
    let out = '';
    if (current !== undefined) {
      const old = vertices.get(current)!;
      if (old.partial !== undefined && old.partialShown > 0) out += '\n';
      old.partialShown = 0;
      out += `#${old.index} ...\n`;
    }
    if (printedAny) out += '\n';
    else if (options.header) out += `#0 ${options.header}\n\n`;
    printedAny = true;
    current = vertex;
    return `${out}#${v.index} ${v.name}\n`;
  }

  function finish(vertex: string, v: VertexState, line: string): string {
    let out = activate(vertex, v);
    if (v.partial !== undefined && v.partialShown > 0) out += '\n';
    if (v.partial !== undefined) remember(v, v.partial);
    v.partial = undefined;
    v.partialShown = 0;
    v.completed = true;
    v.completion = line;
    v.start = undefined;
    current = undefined;
    return `${out}#${v.index} ${line}\n`;
  }

  // A row for a vertex that has already ended is printed under its header
  // again and followed by its end line again, as BuildKit does.
  function row(vertex: string, v: VertexState, text: string): string {
    const out = `${activate(vertex, v)}#${v.index} ${text}\n`;
    if (!v.completed || v.completion === undefined) return out;
    current = undefined;
    return `${out}#${v.index} ${v.completion}\n`;
  }

  function status(
    event: Extract<ProgressEvent, { kind: 'vertex-status' }>,
  ): string {
    const v = state(event.vertex);
    const last = v.statuses.get(event.id);
    if (last && event.completed === undefined) {
      const delta = event.total
        ? (event.current - last.current) / event.total
        : 0;
      const waited = event.time - last.time;
      if (delta < MIN_PROGRESS_DELTA && waited < MIN_TIME_DELTA) return '';
    }
    v.statuses.set(event.id, { current: event.current, time: event.time });
    return row(event.vertex, v, formatStatusRow(event));
  }

  function log(vertex: string, v: VertexState, data: string, time: number) {
    let out = activate(vertex, v);
    const pieces = data.split('\n');
    const complete = data.endsWith('\n');
    if (complete) pieces.pop();
    pieces.forEach((piece, i) => {
      const last = i === pieces.length - 1;
      if (i === 0 && v.partial !== undefined) {
        if (v.partialShown > 0) out += piece;
        else out += `#${v.index} ${v.partial}${piece}`;
        v.partial += piece;
      } else {
        const since = time - (v.firstStart ?? time);
        const row = `${formatSeconds(since / 1000)} ${piece}`;
        out += `#${v.index} ${row}`;
        v.partial = row;
      }
      if (!last || complete) {
        out += '\n';
        remember(v, v.partial!);
        v.partial = undefined;
        v.partialShown = 0;
      } else {
        v.partialShown = v.partial!.length;
      }
    });
    return out;
  }

  return {
    write(event) {
      switch (event.kind) {
        case 'vertex-start': {
          const v = state(event.vertex, event.name);
          v.start ??= event.time;
          v.firstStart ??= event.time;
          v.completed = false;
          return activate(event.vertex, v);
        }
        case 'vertex-log':
          return log(event.vertex, state(event.vertex), event.data, event.time);
        case 'vertex-cached':
          return finish(
            event.vertex,
            state(event.vertex, event.name),
            'CACHED',
          );
        case 'vertex-done': {
          const v = state(event.vertex);
          if (v.start !== undefined) v.intervals.push([v.start, event.time]);
          v.start = undefined;
          // BuildKit prints the running time: overlapping runs count once.
          const took =
            v.intervals.length === 0
              ? ''
              : ` ${formatFixed(mergedSeconds(v.intervals), 1)}s`;
          return finish(event.vertex, v, `DONE${took}`);
        }
        case 'vertex-status':
          return status(event);
        case 'vertex-warning': {
          const v = state(event.vertex);
          return row(event.vertex, v, `WARN: ${event.short}`);
        }
        case 'vertex-error': {
          const v = state(event.vertex);
          v.error = event.error;
          const canceled = event.error.endsWith(CANCELED);
          return finish(
            event.vertex,
            v,
            canceled ? 'CANCELED' : `ERROR: ${event.error}`,
          );
        }
      }
    },
    errorSummary() {
      let out = '';
      for (const v of vertices.values()) {
        if (v.error === undefined || v.error.endsWith(CANCELED)) continue;
        out += `------\n > ${v.name}:\n`;
        for (const row of v.recent) out += `${row}\n`;
        out += '------\n';
      }
      return out;
    },
    indexOf(vertex) {
      const index = vertices.get(vertex)?.index;
      return index ? index : undefined;
    },
  };
}

// `<id>[ <current>[ / <total>]][ <seconds>s][ done]`, sizes in decimal units.
function formatStatusRow(
  event: Extract<ProgressEvent, { kind: 'vertex-status' }>,
): string {
  let text = event.id;
  if (event.total) {
    const current = formatUnitBytes(event.current);
    text += ` ${current} / ${formatUnitBytes(event.total)}`;
  } else if (event.current) {
    text += ` ${formatUnitBytes(event.current)}`;
  }
  if (event.started !== undefined) {
    const seconds = ((event.completed ?? event.time) - event.started) / 1000;
    if (seconds > 0.01) text += ` ${formatFixed(seconds, 1)}s`;
  }
  if (event.completed !== undefined) text += ' done';
  return text;
}

function mergedSeconds(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, stop] = sorted[0];
  for (const [s, e] of sorted.slice(1)) {
    if (s > stop) {
      total += stop - start;
      [start, stop] = [s, e];
    } else if (e > stop) {
      stop = e;
    }
  }
  return (total + stop - start) / 1000;
}

function remember(v: VertexState, row: string) {
  v.recent.push(row);
  if (v.recent.length > RECENT_ROWS) v.recent.shift();
}

/** Renders a whole list of events in the plain format. */
export function renderPlainProgress(
  events: ProgressEvent[],
  options: PlainRendererOptions = {},
): string {
  const renderer = createPlainRenderer(options);
  return events.map((event) => renderer.write(event)).join('');
}

function formatSeconds(seconds: number): string {
  const precision = seconds < 10 ? 3 : seconds < 100 ? 2 : 1;
  return formatFixed(seconds, precision);
}
