// `--progress=tty`: one live line per step with its timer, redrawn in place
// (log-update) in buildx's layout: `[+] Building 1.2s (3/5)`, then
// ` => [2/3] RUN make   0.8s`, the last output rows of running steps under it.

import { createLogUpdate } from 'log-update';

import type { ProgressEvent } from '../../../core/src/index.ts';

/** Where and how the live view draws. */
export interface TtyProgressOptions {
  /** Columns to fit lines into; default the stream's width or 80. */
  columns?: number;
  /** Milliseconds between redraws while steps run. */
  interval?: number;
  now?: () => number;
}

interface StepState {
  name: string;
  started: number;
  ended?: number;
  cached?: boolean;
  error?: string;
  logs: string[];
}

/** The live view: feed it events, then end it once. */
export interface TtyProgress {
  write(event: ProgressEvent): void;
  /** Draws the final frame and leaves it on the terminal. */
  end(): void;
}

const LOG_ROWS = 6;

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
      let step = steps.get(event.vertex);
      if (event.kind === 'vertex-start' || event.kind === 'vertex-cached') {
        step = { name: event.name, started: event.time, logs: [] };
        steps.set(event.vertex, step);
        if (event.kind === 'vertex-cached') {
          step.cached = true;
          step.ended = event.time;
        }
      } else if (step && event.kind === 'vertex-done') {
        step.ended = event.time;
      } else if (step && event.kind === 'vertex-error') {
        step.ended = event.time;
        step.error = event.error;
      } else if (step && event.kind === 'vertex-log') {
        const rows = event.data.split('\n').filter((row) => row !== '');
        step.logs = [...step.logs, ...rows].slice(-LOG_ROWS);
      }
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

/** Draws one frame of the view. */
export function frame(
  steps: Map<string, StepState>,
  first: number,
  at: number,
  columns: number,
  finished: boolean,
): string {
  const all = [...steps.values()];
  const done = all.filter((s) => s.ended !== undefined).length;
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
    const time = seconds((step.ended ?? at) - step.started);
    lines.push(fit(` => ${prefix}${step.name}`, time, columns));
    if (step.ended === undefined) {
      for (const row of step.logs) lines.push(clip(` => => # ${row}`, columns));
    }
  }
  return lines.join('\n');
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
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
