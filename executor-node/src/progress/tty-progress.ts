// `--progress=tty`: one live line per step with its timer, redrawn in place
// (log-update) in buildx's layout: `[+] Building 1.2s (3/5)`, then
// ` => [2/3] RUN make   0.8s`, its ` => => ` status rows and ` => WARN: `
// rows, and the last output rows of running steps under it.

import { createLogUpdate } from 'log-update';

import type { ProgressEvent } from '../../../core/src/index.ts';
import { formatUnitBytes } from '../../../core/src/index.ts';

/** Where and how the live view draws. */
export interface TtyProgressOptions {
  /** Columns to fit lines into; default the stream's width or 80. */
  columns?: number;
  /** Milliseconds between redraws while steps run. */
  interval?: number;
  now?: () => number;
}

type StatusEvent = Extract<ProgressEvent, { kind: 'vertex-status' }>;

interface StepState {
  name: string;
  /** Running intervals; the last one is open while the step runs. */
  intervals: { start: number; stop?: number }[];
  cached?: boolean;
  error?: string;
  logs: string[];
  /** The latest update of each status row, by its id, in first-seen order. */
  statuses: Map<string, StatusEvent>;
  /** `WARN:` rows, in the order they came. */
  warnings: string[];
}

/** The live view: feed it events, then end it once. */
export interface TtyProgress {
  write(event: ProgressEvent): void;
  /** Draws the final frame and leaves it on the terminal. */
  end(): void;
}

const LOG_ROWS = 6;
/** buildx shows shorter times than this as 0.0s. */
const MIN_SHOWN_MS = 50;

/** Creates a live view drawing on `stream`. */
export function createTtyProgress(
  stream: NodeJS.WriteStream,
  options: TtyProgressOptions = {},
): TtyProgress {
  const now = options.now ?? Date.now;
  // A terminal without a size (or no terminal) reports 0 rows, and
  // log-update would then cut every line: give it a usable size.
  const sized = {
    write: (text: string) => stream.write(text),
    get columns() {
      return options.columns ?? (stream.columns || 80);
    },
    get rows() {
      return stream.rows || 24;
    },
  } as unknown as NodeJS.WriteStream;
  const draw = createLogUpdate(sized, { showCursor: false });
  const steps = new Map<string, StepState>();
  let first: number | undefined;
  let ended = false;
  const timer = setInterval(() => render(), options.interval ?? 100);
  timer.unref();

  const render = (finished = false) => {
    const columns = options.columns ?? (stream.columns || 80);
    draw(frame(steps, first ?? now(), now(), columns, finished));
  };

  return {
    write(event) {
      if (ended) return;
      first ??= event.time;
      apply(steps, event);
      render();
    },
    end() {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      render(true);
      draw.done();
    },
  };
}

/** Folds one event into the steps' state. */
function apply(steps: Map<string, StepState>, event: ProgressEvent): void {
  let step = steps.get(event.vertex);
  if (!step) {
    step = {
      name: 'name' in event ? event.name : event.vertex,
      intervals: [],
      logs: [],
      statuses: new Map(),
      warnings: [],
    };
    steps.set(event.vertex, step);
  }
  const open = step.intervals.at(-1);
  const close = () => {
    if (open && open.stop === undefined) open.stop = event.time;
  };
  switch (event.kind) {
    case 'vertex-start':
      step.name = event.name;
      if (!open || open.stop !== undefined) {
        step.intervals.push({ start: event.time });
      }
      step.error = undefined;
      break;
    case 'vertex-cached':
      step.name = event.name;
      step.cached = true;
      close();
      if (step.intervals.length === 0) {
        step.intervals.push({ start: event.time, stop: event.time });
      }
      break;
    case 'vertex-done':
      close();
      break;
    case 'vertex-error':
      close();
      step.error = event.error;
      break;
    case 'vertex-log': {
      const rows = event.data.split('\n').filter((row) => row !== '');
      step.logs = [...step.logs, ...rows].slice(-LOG_ROWS);
      break;
    }
    case 'vertex-status':
      step.statuses.set(event.id, event);
      break;
    case 'vertex-warning':
      step.warnings.push(event.short);
      break;
  }
}

/** Draws one frame of the view. */
export function frame(
  steps: Map<string, StepState>,
  first: number,
  at: number,
  columns: number,
  finished: boolean,
): string {
  // Status rows and warnings may come before their vertex starts: a
  // vertex counts (and shows) once it has run or been found cached.
  const all = [...steps.values()].filter((s) => s.intervals.length > 0);
  const done = all.filter(isEnded).length;
  const failed = all.some((s) => s.error !== undefined);
  const state = finished ? (failed ? ' ERROR' : ' FINISHED') : '';
  const lines = [
    `[+] Building ${seconds(at - first)} (${done}/${all.length})${state}`,
  ];
  for (const step of all) {
    const prefix = step.cached
      ? 'CACHED '
      : step.error?.endsWith('context canceled')
        ? 'CANCELED '
        : step.error !== undefined
          ? 'ERROR '
          : '';
    const time = seconds(runningTime(step, at));
    lines.push(fit(` => ${prefix}${step.name}`, time, columns));
    for (const status of step.statuses.values()) {
      const shown = statusText(status);
      const left = ` => => ${status.id}${shown ? ` ${shown}` : ''}`;
      lines.push(fit(left, seconds(statusTime(status, at)), columns));
    }
    // buildx times a warning by the vertex's latest running interval.
    const last = step.intervals.at(-1)!;
    const warned = seconds((last.stop ?? at) - last.start);
    for (const warning of step.warnings) {
      lines.push(fit(` => WARN: ${warning}`, warned, columns));
    }
    if (!isEnded(step)) {
      for (const row of step.logs) lines.push(clip(` => => # ${row}`, columns));
    }
  }
  return lines.join('\n');
}

function isEnded(step: StepState): boolean {
  return step.intervals.at(-1)?.stop !== undefined;
}

/** Adds up the step's running intervals, the open one up to `at`. */
function runningTime(step: StepState, at: number): number {
  return step.intervals.reduce(
    (sum, { start, stop }) => sum + ((stop ?? at) - start),
    0,
  );
}

function statusTime(status: StatusEvent, at: number): number {
  const start = status.started ?? status.time;
  return (status.completed ?? at) - start;
}

// buildx's status column: `current / total` in byte units, or `current`.
function statusText(status: StatusEvent): string {
  if (status.total) {
    return `${formatUnitBytes(status.current)} / ${formatUnitBytes(status.total)}`;
  }
  return status.current ? formatUnitBytes(status.current) : '';
}

function seconds(ms: number): string {
  const shown = ms < MIN_SHOWN_MS ? 0 : ms;
  return `${(shown / 1000).toFixed(1)}s`;
}

/** Puts `right` at the end of the line, cutting `left` to make room. */
function fit(left: string, right: string, columns: number): string {
  const room = Math.max(10, columns - right.length - 1);
  const text = left.length > room ? `${left.slice(0, room - 3)}...` : left;
  return `${text.padEnd(room)} ${right}`;
}

function clip(text: string, columns: number): string {
  return text.length > columns ? text.slice(0, columns) : text;
}

/**
 * Colours the header of buildx's warning list yellow, newline included, as
 * buildx does after its live view.
 */
export function colorWarningSummary(summary: string): string {
  return summary.replace(/^\n (.*\n)/, '\n \x1b[33m$1\x1b[0m');
}
