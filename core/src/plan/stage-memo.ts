// Stages dispatched by earlier plans, found again by everything a dispatch
// reads: the build's inputs, the stage's own lines and the stages it reads.

import type { Diagnostic } from '../model/diagnostic.ts';
import type { Stage } from '../model/instructions.ts';
import type { Vertex } from '../model/plan.ts';
import type { Linter } from '../checks/linter.ts';
import type { DispatchContext, StageState } from './dispatch-context.ts';
import { dispatchStage } from './dispatch-stage.ts';
import type { StageNode } from './stage-graph.ts';

// The build inputs (options, platforms, the lines before the first FROM) a
// session keeps stages for. Each keeps two generations of stages: a full
// current one becomes the previous one, so the stages the last plans used
// stay while older ones go.
const CONTEXT_LIMIT = 8;
const GENERATION_SIZE = 256;

/** What dispatching a stage did, to be done again without dispatching. */
interface StageEntry {
  serial: number;
  /** The end state, without its node (which holds that plan's whole graph). */
  state: Omit<StageState, 'node'>;
  /** The vertices the stage added, in order, whether or not they were new. */
  vertices: Vertex[];
  diagnostics: Diagnostic[];
  lintCalls: Parameters<Linter['run']>[];
}

/** Remembers dispatched stages across plans (see createPlanner). */
export class StageMemo {
  private contexts = new Map<string, StageEntries>();
  private serial = 0;

  /** Returns the stages remembered for a build's inputs, given as one key. */
  entriesFor(key: string): StageEntries {
    let entries = this.contexts.get(key);
    if (entries === undefined) {
      if (this.contexts.size >= CONTEXT_LIMIT) {
        this.contexts.delete(this.contexts.keys().next().value!);
      }
      entries = new StageEntries();
    }
    // Most recently used last, so the oldest goes first.
    this.contexts.delete(key);
    this.contexts.set(key, entries);
    return entries;
  }

  /** Returns a number no entry had before. */
  nextSerial(): number {
    return ++this.serial;
  }
}

/** The stages remembered for one set of build inputs. */
export class StageEntries {
  private current = new Map<string, StageEntry>();
  private previous = new Map<string, StageEntry>();

  /** Returns the entry for a stage key, if remembered. */
  get(key: string): StageEntry | undefined {
    const found = this.current.get(key);
    if (found !== undefined) return found;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  /** Remembers the entry for a stage key. */
  set(key: string, entry: StageEntry) {
    if (this.current.size >= GENERATION_SIZE) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, entry);
  }
}

/** The stage memo as one platform's plan uses it. */
export interface StageScope {
  memo: StageMemo;
  entries: StageEntries;
  /** The entry each stage dispatched so far in this plan came from. */
  serials: Map<StageNode, number>;
  /** Returns the lines of the Dockerfile a stage's dispatch can read. */
  linesOf(stage: Stage): string;
}

/**
 * Dispatches a stage as dispatchStage does, or repeats what an earlier
 * dispatch of the same stage, with the same inputs, did.
 */
export function dispatchRemembered(
  ctx: DispatchContext,
  node: StageNode,
  scope: StageScope,
) {
  const key = stageKey(node, scope);
  const found = scope.entries.get(key);
  if (found !== undefined) {
    replay(ctx, node, found);
    scope.serials.set(node, found.serial);
    return;
  }

  const lintCalls: Parameters<Linter['run']>[] = [];
  const lint: Linter = {
    ...ctx.lint,
    run(...call) {
      lintCalls.push(call);
      ctx.lint.run(...call);
    },
  };
  const vertices: Vertex[] = [];
  const before = ctx.diagnostics.length;
  const { node: _, ...state } = dispatchStage(
    { ...ctx, lint, added: vertices },
    node,
  );
  const entry: StageEntry = {
    serial: scope.memo.nextSerial(),
    state,
    vertices,
    diagnostics: ctx.diagnostics.slice(before),
    lintCalls,
  };
  scope.entries.set(key, entry);
  scope.serials.set(node, entry.serial);
}

function replay(ctx: DispatchContext, node: StageNode, entry: StageEntry) {
  for (const call of entry.lintCalls) ctx.lint.run(...call);
  for (const d of entry.diagnostics) ctx.diagnostics.push(d);
  for (const vertex of entry.vertices) {
    if (!Object.hasOwn(ctx.vertices, vertex.id)) {
      ctx.vertices[vertex.id] = vertex;
    }
  }
  ctx.states.set(node, { ...entry.state, node });
}

// Everything of the node a dispatch reads, beyond the build's inputs: its
// place and names, its lines (which give its instructions and ranges), and
// for its base and each source the entry that dispatched it, if any.
function stageKey(node: StageNode, scope: StageScope): string {
  let key = `${node.index}|${node.displayName}|${node.baseName}|`;
  key += node.base ? serialOf(node.base, scope) : '-';
  for (const command of node.commands) {
    key += ';';
    for (const source of command.sources) {
      key += source ? serialOf(source, scope) : 'u';
      key += ',';
    }
  }
  if (node.stage) return `${key}\n${scope.linesOf(node.stage)}`;
  return `${key}\n${JSON.stringify([
    node.added,
    node.owner,
    node.name,
    node.platform,
    node.image,
    node.location,
  ])}`;
}

function serialOf(node: StageNode, scope: StageScope): string {
  const serial = scope.serials.get(node);
  return serial === undefined ? `n${node.index}` : String(serial);
}

/**
 * Returns, for each stage, its lines with their place: from the comments
 * above its FROM (a `# check=` there applies to it) to the next FROM.
 */
export function stageLines(
  text: string,
  stages: readonly Stage[],
): (stage: Stage) => string {
  const starts = [0, 0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    starts.push(at + 1);
  }
  const lineCount = starts.length - 1;
  const offset = (line: number) =>
    line > lineCount ? text.length : starts[line];
  const lines = new Map<Stage, string>();
  for (let i = 0; i < stages.length; i++) {
    const from = stages[i].from.range.start.line;
    let first = from;
    while (
      first > 1 &&
      isCommentOrBlank(text, offset(first - 1), offset(first))
    ) {
      first--;
    }
    const end =
      i + 1 < stages.length
        ? offset(stages[i + 1].from.range.start.line)
        : text.length;
    lines.set(stages[i], `${first}:${from}:${text.slice(offset(first), end)}`);
  }
  return (stage) => lines.get(stage) ?? '';
}

function isCommentOrBlank(text: string, start: number, end: number): boolean {
  const line = text.slice(start, end).trimStart();
  return line === '' || line.startsWith('#');
}
