// The stage graph for one target platform, as BuildKit builds it before it
// dispatches anything: every FROM expanded and resolved, the target found,
// `--from` and mount sources linked, cycles refused, reachability computed.

import type { Diagnostic, Location } from '../model/diagnostic.ts';
import type {
  CopyInstruction,
  Dockerfile,
  Instruction,
  RunInstruction,
  Stage,
} from '../model/instructions.ts';
import type { FromScope } from '../checks/from-checks.ts';
import {
  checkFromPlatform,
  checkUndeclaredFromArgs,
} from '../checks/from-checks.ts';
import type { Linter } from '../checks/linter.ts';
import { goQuote } from '../diagnostics/go-quote.ts';
import { suggestName, withSuggestion } from '../diagnostics/suggest.ts';
import { expandWord } from '../expand/expand-word.ts';
import type { Platform } from '../platform/platform.ts';
import { parsePlatform } from '../platform/platform.ts';
import type { EnvList } from './env-list.ts';
import { envLookup } from './env-list.ts';
import type { ImageReference } from './reference.ts';
import { parseImageReference } from './reference.ts';
import { onbuildTriggers, parseTriggers } from './onbuild.ts';

/** One instruction of a stage, with whether an ONBUILD trigger added it. */
export interface StageCommand {
  instruction: Instruction;
  onbuild: boolean;
  /** Sources this instruction reads (`COPY --from`, each `RUN --mount`), in order. */
  sources: (StageNode | undefined)[];
}

/** A dependency edge: `node` is needed because of `instruction`. */
export interface StageDependency {
  node: StageNode;
  instruction: Instruction;
  /** How the edge reads in a reason, e.g. `COPY --from=0`. */
  via: string;
}

/** A stage, or an image a `--from` or mount names, as BuildKit tracks it. */
export interface StageNode {
  /** Position among all nodes: Dockerfile stages first, then added sources. */
  index: number;
  stage?: Stage;
  name?: string;
  /** The name shown in progress: the AS name, `stage-<i>`, or blank for a lone stage. */
  displayName: string;
  /** The FROM value after expansion (or the `--from` value for an added source). */
  baseName: string;
  base?: StageNode;
  /** From `FROM --platform=...`. */
  platform?: Platform;
  commands: StageCommand[];
  deps: StageDependency[];
  /** Set for an image base; absent for scratch and stage bases. */
  image?: ImageReference;
  location?: Location;
  /** True for an image or scratch added by `--from` or a mount. */
  added: boolean;
  /** For an added source: the index of the stage that first reads it. */
  owner?: number;
}

/** The graph for one target platform. */
export interface StageGraph {
  nodes: StageNode[];
  target: StageNode;
  reachable: Set<StageNode>;
}

/** What the graph builder needs to know about the build. */
export interface GraphContext {
  dockerfile: Dockerfile;
  globalArgs: EnvList;
  target?: string;
  lint: Linter;
  /** The ONBUILD triggers of an image stage's base config, when known. */
  imageTriggers?: (node: StageNode) => string[];
}

/** Builds the stage graph; returns no graph when the target cannot be planned. */
export function buildStageGraph(ctx: GraphContext): {
  graph?: StageGraph;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const fail = (code: string, message: string, location?: Location) =>
    diagnostics.push({ code, severity: 'error', message, location });

  const nodes: StageNode[] = [];
  const byName = new Map<string, StageNode>();
  const scope = fromScope(ctx);
  for (const stage of ctx.dockerfile.stages) {
    const node = createStageNode(stage, nodes.length, ctx, scope, byName, fail);
    nodes.push(node);
    if (stage.name) byName.set(stage.name, node);
  }

  const target = findTarget(ctx, nodes, byName, fail);
  if (!target) return { diagnostics };

  for (const node of [...nodes]) {
    node.commands = node.stage!.commands.map((instruction) =>
      linkCommand(instruction, false, node, nodes, byName, ctx, fail),
    );
  }
  if (hasCycle(nodes, fail)) return { diagnostics };
  if (nodes.length === 1) nodes[0].displayName = '';

  const reachable = resolveReachable(target, nodes, byName, ctx, fail);
  for (const node of nodes) resolveImage(node, fail);
  return { graph: { nodes, target, reachable }, diagnostics };
}

// Every global ARG name counts as declared, with or without a value.
function fromScope(ctx: GraphContext): FromScope {
  const declared = ctx.dockerfile.globalArgs.flatMap((a) =>
    a.args.map((arg) => arg.key),
  );
  for (const [key] of ctx.globalArgs) {
    if (!declared.includes(key)) declared.push(key);
  }
  return { declared, lookup: envLookup(ctx.globalArgs) };
}

function createStageNode(
  stage: Stage,
  index: number,
  ctx: GraphContext,
  scope: FromScope,
  byName: Map<string, StageNode>,
  fail: (code: string, message: string, location?: Location) => void,
): StageNode {
  const location = { file: ctx.dockerfile.file, range: stage.from.range };
  const lookup = scope.lookup;
  const raw = stage.from.image.value;
  const expanded = expandWord(raw, lookup, ctx.dockerfile.escapeToken);
  checkUndeclaredFromArgs(ctx.lint, scope, expanded, location.range);
  let baseName = expanded.value;
  if (expanded.error !== undefined) {
    fail('expansion-error', expanded.error, location);
    baseName = raw;
  } else if (baseName === '') {
    fail('blank-base-name', `base name (${raw}) should not be blank`, location);
    baseName = 'scratch';
  }

  const node: StageNode = {
    index,
    stage,
    displayName: stage.name ?? `stage-${index}`,
    baseName,
    commands: [],
    deps: [],
    location,
    added: false,
  };
  if (stage.name) node.name = stage.name;
  if (stage.from.platform) {
    const platform = readStagePlatform(stage, scope, ctx, location, fail);
    if (platform) node.platform = platform;
  }
  const base = byName.get(baseName);
  if (base) node.base = base;
  return node;
}

function readStagePlatform(
  stage: Stage,
  scope: FromScope,
  ctx: GraphContext,
  location: Location,
  fail: (code: string, message: string, location?: Location) => void,
): Platform | undefined {
  const raw = stage.from.platform!.value;
  const escape = ctx.dockerfile.escapeToken;
  const expanded = expandWord(raw, scope.lookup, escape);
  checkUndeclaredFromArgs(ctx.lint, scope, expanded, location.range);
  const name = stage.name ?? '';
  checkFromPlatform(ctx.lint, scope, raw, expanded, name, location.range);
  if (expanded.error !== undefined) {
    fail(
      'invalid-platform',
      `failed to process arguments for platform ${expanded.value}: ${expanded.error}`,
      location,
    );
    return undefined;
  }
  // BuildKit suggests a set global value for a misspelt variable.
  const hint = (message: string) => {
    const keys = ctx.globalArgs.map(([key]) => key);
    for (const name of expanded.unmatched) {
      if (suggestName(name, keys, true) !== undefined) {
        return withSuggestion(message, name, keys, true);
      }
    }
    return message;
  };
  if (expanded.value === '') {
    fail(
      'invalid-platform',
      hint(`empty platform value from expression ${raw}`),
      location,
    );
    return undefined;
  }
  const parsed = parsePlatform(expanded.value);
  if (!parsed.ok) {
    fail(
      'invalid-platform',
      hint(`failed to parse platform ${raw}: ${parsed.error}`),
      location,
    );
    return undefined;
  }
  return parsed.platform;
}

function findTarget(
  ctx: GraphContext,
  nodes: StageNode[],
  byName: Map<string, StageNode>,
  fail: (code: string, message: string, location?: Location) => void,
): StageNode | undefined {
  if (nodes.length === 0) return undefined;
  if (ctx.target === undefined) return nodes[nodes.length - 1];
  const found = byName.get(ctx.target.toLowerCase());
  if (found) return found;
  const names = nodes.flatMap((n) => (n.name ? [n.name] : []));
  fail(
    'target-not-found',
    withSuggestion(
      `target stage ${goQuote(ctx.target)} could not be found`,
      ctx.target,
      names,
      true,
    ),
  );
  return undefined;
}

/** Links one instruction to the stages or images it reads from. */
export function linkCommand(
  instruction: Instruction,
  onbuild: boolean,
  node: StageNode,
  nodes: StageNode[],
  byName: Map<string, StageNode>,
  ctx: GraphContext,
  fail: (code: string, message: string, location?: Location) => void,
): StageCommand {
  const command: StageCommand = { instruction, onbuild, sources: [] };
  const location = { file: ctx.dockerfile.file, range: instruction.range };
  if (
    instruction.kind === 'COPY' &&
    instruction.from &&
    instruction.from.value !== ''
  ) {
    const source = copySource(
      instruction,
      node.index,
      nodes,
      byName,
      ctx,
      location,
      fail,
    );
    command.sources.push(source);
    if (source)
      addDep(
        node,
        source,
        instruction,
        `COPY --from=${instruction.from.value}`,
      );
  }
  if (instruction.kind === 'RUN') {
    for (const mount of instruction.mounts) {
      const from = mount.from ?? '';
      const source =
        byName.get(from === '' ? 'scratch' : from.toLowerCase()) ??
        addSource(from === '' ? 'scratch' : from, nodes, location, node.index);
      command.sources.push(from === '' ? undefined : source);
      addDep(node, source, instruction, `RUN --mount=from=${from}`);
    }
  }
  return command;
}

function copySource(
  instruction: CopyInstruction,
  owner: number,
  nodes: StageNode[],
  byName: Map<string, StageNode>,
  ctx: GraphContext,
  location: Location,
  fail: (code: string, message: string, location?: Location) => void,
): StageNode | undefined {
  const from = instruction.from!.value;
  const literal = expandWord(from, () => undefined, ctx.dockerfile.escapeToken);
  if (literal.error !== undefined || literal.value !== from) {
    fail(
      'from-expansion',
      'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
      location,
    );
    return undefined;
  }
  if (/^[+-]?\d+$/.test(from)) {
    const index = Number(from);
    const found = Number.isSafeInteger(index) ? nodes[index] : undefined;
    if (!found || index < 0) {
      fail(
        'invalid-stage-index',
        `invalid stage index ${from.replace(/^\+/, '')}`,
        location,
      );
      return undefined;
    }
    return found;
  }
  return (
    byName.get(from.toLowerCase()) ?? addSource(from, nodes, location, owner)
  );
}

function addSource(
  name: string,
  nodes: StageNode[],
  location: Location,
  owner: number,
): StageNode {
  const node: StageNode = {
    owner,
    index: nodes.length,
    displayName: `stage-${nodes.length}`,
    baseName: name,
    commands: [],
    deps: [],
    location,
    added: true,
  };
  nodes.push(node);
  return node;
}

function addDep(
  node: StageNode,
  source: StageNode,
  instruction: Instruction,
  via: string,
) {
  if (node.deps.some((d) => d.node === source)) return;
  node.deps.push({ node: source, instruction, via });
}

function hasCycle(
  nodes: StageNode[],
  fail: (code: string, message: string, location?: Location) => void,
): boolean {
  const visited = new Set<StageNode>();
  const path = new Set<StageNode>();
  const visit = (
    node: StageNode,
    trail: Instruction[],
  ): Instruction[] | undefined => {
    if (visited.has(node)) return undefined;
    visited.add(node);
    path.add(node);
    for (const dep of node.deps) {
      const next = [...trail, dep.instruction];
      if (path.has(dep.node)) return next;
      const found = visit(dep.node, next);
      if (found) return found;
    }
    path.delete(node);
    return undefined;
  };
  for (const node of nodes) {
    const cycle = visit(node, []);
    if (!cycle) continue;
    const location =
      node.location && cycle.length > 0
        ? { file: node.location.file, range: cycle[0].range }
        : node.location;
    fail(
      'circular-dependency',
      `circular dependency detected on stage: ${node.displayName}`,
      location,
    );
    return true;
  }
  return false;
}

function resolveReachable(
  target: StageNode,
  nodes: StageNode[],
  byName: Map<string, StageNode>,
  ctx: GraphContext,
  fail: (code: string, message: string, location?: Location) => void,
): Set<StageNode> {
  const initialised = new Set<StageNode>();
  for (;;) {
    const reachable = reachableFrom(target);
    let added = false;
    for (const node of reachable) {
      if (initialised.has(node) || node.added) continue;
      const expressions = node.base
        ? undefined
        : node.baseName === 'scratch'
          ? []
          : (ctx.imageTriggers?.(node) ?? []);
      if (!node.base?.stage && !expressions?.length) continue;
      initialised.add(node);
      const triggers = expressions
        ? parseTriggers(expressions, ctx.dockerfile, node.location!, fail)
        : onbuildTriggers(node.base!, ctx.dockerfile, node.location!, fail);
      const linked = triggers.map((instruction) =>
        linkCommand(instruction, true, node, nodes, byName, ctx, fail),
      );
      if (linked.some((c) => c.sources.some((s) => s))) added = true;
      node.commands = [...linked, ...node.commands];
    }
    if (!added) return reachable;
  }
}

/** Returns the nodes a target needs: itself, its base chain and every source, recursively. */
export function reachableFrom(target: StageNode): Set<StageNode> {
  const seen = new Set<StageNode>();
  const stack = [target];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (node.base) stack.push(node.base);
    for (const dep of node.deps) stack.push(dep.node);
  }
  return seen;
}

function resolveImage(
  node: StageNode,
  fail: (code: string, message: string, location?: Location) => void,
) {
  if (node.base || node.baseName === 'scratch') return;
  const parsed = parseImageReference(node.baseName);
  if (parsed.error !== undefined) {
    fail(
      'invalid-reference',
      `failed to parse stage name ${goQuote(node.baseName)}: ${parsed.error}`,
      node.location,
    );
    return;
  }
  node.image = parsed.ref;
}

/** Tells whether a stage command is a RUN (for mount sources). */
export function isRun(instruction: Instruction): instruction is RunInstruction {
  return instruction.kind === 'RUN';
}
