// The progress rows of a COPY/ADD step's remote sources. BuildKit gives each
// ADD URL or repository its own source vertex, named like the step, which
// runs while the source resolves and fetches and ends before the step starts.

import type { Vertex } from '../model/plan.ts';
import type { ProgressEvent } from '../model/progress.ts';
import { isRemoteSource } from '../plan/git-ref.ts';
import type { SourceFetchReporter, SourceLog } from './backends.ts';
import { StepFailure } from './solve-errors.ts';

/** A progress event before the solver stamps its time. */
export type UntimedEvent = ProgressEvent extends infer E
  ? E extends unknown
    ? Omit<E, 'time'>
    : never
  : never;

/** The rows of one step's remote sources; a row stays open until `end`. */
export class SourceRows implements SourceFetchReporter {
  /** Open rows by source index, with whether the content was held already. */
  private readonly open = new Map<number, boolean>();
  /** Set once the step is known to run: each fetch then ends its row. */
  private last = false;

  constructor(
    private readonly step: { id: string; name: string },
    private readonly emit: (event: UntimedEvent) => void,
    /** False under `--no-cache`: nothing shows as CACHED then. */
    private readonly useCache: boolean,
  ) {}

  async fetch<T>(index: number, work: (log: SourceLog) => Promise<T>) {
    const vertex = sourceRowId(this.step.id, index);
    if (!this.open.has(index)) {
      this.open.set(index, false);
      this.emit({ kind: 'vertex-start', vertex, name: this.step.name });
    }
    const log: SourceLog = (stream, data) => {
      if (data !== '') this.emit({ kind: 'vertex-log', vertex, stream, data });
    };
    try {
      const value = await work(log);
      if (this.last) this.endRow(index);
      return value;
    } catch (error) {
      this.open.delete(index);
      const message = error instanceof Error ? error.message : String(error);
      this.emit({ kind: 'vertex-error', vertex, error: message });
      throw new StepFailure(message);
    }
  }

  cached(index: number): void {
    if (this.useCache && this.open.has(index)) this.open.set(index, true);
  }

  /** Makes each later fetch end its row as soon as it returns. */
  endAfterFetch(): void {
    this.last = true;
  }

  /** Ends every open row, in the order they started: CACHED where held, else DONE. */
  end(): void {
    for (const index of [...this.open.keys()]) this.endRow(index);
  }

  private endRow(index: number): void {
    const held = this.open.get(index);
    if (held === undefined) return;
    this.open.delete(index);
    const vertex = sourceRowId(this.step.id, index);
    this.emit(
      held
        ? { kind: 'vertex-cached', vertex, name: this.step.name }
        : { kind: 'vertex-done', vertex },
    );
  }
}

/** Returns the progress vertex id of a step's source, by the source's index. */
export function sourceRowId(step: string, index: number): string {
  return `source:${index}:${step}`;
}

/** Lists the progress rows of a step's remote sources: the step reads them. */
export function sourceRowsOf(vertex: Vertex | undefined): string[] {
  if (vertex?.kind !== 'copy' || vertex.source.kind !== 'context') return [];
  return vertex.sources.flatMap((source, index) =>
    isRemoteSource(vertex.instruction, source)
      ? [sourceRowId(vertex.id, index)]
      : [],
  );
}
