// Runs a build plan through the backends: each platform's target and what it
// needs, in dependency order, each step looked up in the cache first.

import type { OutputSpec } from '../model/options.ts';
import type {
  BuildPlan,
  CopyVertex,
  HistoryRow,
  ImageConfig,
  ImageVertex,
  PlatformPlan,
  RunVertex,
  Vertex,
  WorkdirVertex,
} from '../model/plan.ts';
import type { ProgressEvent } from '../model/progress.ts';
import { contentHash } from '../plan/content-hash.ts';
import { isRemoteSource } from '../plan/git-ref.ts';
import { isMultiPlatform } from '../options/resolve-options.ts';
import type {
  ActiveSnapshot,
  CopyRequest,
  ExportResult,
  ExportStep,
  ResolvedImage,
  ResolvedRunMount,
  SolveBackends,
} from './backends.ts';
import { mergeEnv, mergeImageConfig } from './image-config.ts';
import {
  describeDeviceFailure,
  processFailure,
  StepFailure,
} from './solve-errors.ts';
import { SourceRows } from './source-rows.ts';

/** How a solve reports and what it may reuse. */
export interface SolveOptions {
  onEvent: (event: ProgressEvent) => void;
  /** Milliseconds from any fixed origin; stamps the events. */
  now: () => number;
  /** Runs every step even when the cache has it (`--no-cache`). */
  noCache?: boolean;
}

/** One platform's target, built. */
export interface SolvedTarget {
  platform: string;
  /** Index of the target stage. */
  stage: number;
  /** Cache key of the committed snapshot holding the target's files. */
  snapshot: string;
  /** The target's image config, base image included. */
  config: ImageConfig;
  /** Environment of the target stage's last RUN, CDI injections included. */
  runEnv?: string[];
  /** The base image the target's filesystem starts from, if any. */
  base?: { image: ResolvedImage; snapshot: string };
  /** The filesystem steps over the base, in order. */
  steps: ExportStep[];
  /** The target stage's history rows over the base image. */
  history?: HistoryRow[];
}

/** The outcome of a solve; `error` reads as BuildKit prints it. */
export interface SolveResult {
  ok: boolean;
  error?: string;
  results: SolvedTarget[];
}

interface Solved {
  key: string;
  runEnv?: string[];
  image?: ResolvedImage;
}

const SCRATCH_KEY = contentHash({ op: 'scratch' });

/** Builds every platform's target of the plan, then runs its exporters. */
export async function solveBuild(
  plan: BuildPlan,
  backends: SolveBackends,
  options: SolveOptions,
): Promise<SolveResult> {
  if (!plan.ok) {
    const first = plan.diagnostics.find((d) => d.severity === 'error');
    return {
      ok: false,
      error: first?.message ?? 'the plan has errors',
      results: [],
    };
  }
  const solver = new Solver(plan, backends, options);
  try {
    const results: SolvedTarget[] = [];
    for (const platformPlan of plan.platforms) {
      results.push(await solver.solveTarget(platformPlan));
    }
    await solver.export(results);
    return { ok: true, results };
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    return {
      ok: false,
      error: `failed to solve: ${error.message}`,
      results: [],
    };
  }
}

class Solver {
  private readonly done = new Map<string, Promise<Solved>>();
  private readonly images = new Map<string, Promise<ResolvedImage>>();
  private readonly parents: Map<string, string | undefined>;
  /** Image vertices whose config the planner already started from. */
  private readonly knownImages: Set<string>;
  private contextLoaded = false;

  constructor(
    private readonly plan: BuildPlan,
    private readonly backends: SolveBackends,
    private readonly options: SolveOptions,
  ) {
    this.parents = parentIndex(plan);
    this.knownImages = knownImageVertices(plan);
  }

  async solveTarget(platformPlan: PlatformPlan): Promise<SolvedTarget> {
    const stage = platformPlan.stages.find(
      (s) => s.index === platformPlan.target,
    );
    if (!stage) throw new Error('internal: target stage missing from plan');

    const solved = stage.result
      ? await this.solve(stage.result)
      : await this.scratch();
    const lastRun = [...stage.vertices]
      .reverse()
      .find((id) => this.plan.vertices[id]?.kind === 'run');
    const runEnv = lastRun ? (await this.solve(lastRun)).runEnv : undefined;
    const image = stage.result ? await this.rootImage(stage.result) : undefined;
    const chain = stage.result
      ? await this.chainOf(stage.result)
      : { steps: [] };
    return {
      platform: platformPlan.platform,
      stage: stage.index,
      snapshot: solved.key,
      // A known base config is in the planned one already.
      config: stage.baseConfigKnown
        ? stage.config
        : mergeImageConfig(image?.config, stage.config),
      runEnv,
      ...chain,
      ...(stage.history ? { history: stage.history } : {}),
    };
  }

  /** Lists the filesystem steps that led to a vertex, down to its base image. */
  private async chainOf(
    id: string,
  ): Promise<Pick<SolvedTarget, 'base' | 'steps'>> {
    const steps: ExportStep[] = [];
    let vertex: Vertex | undefined = this.plan.vertices[id];
    while (vertex) {
      const solved = await this.solve(vertex.id);
      if (vertex.kind === 'image') {
        const base = solved.image
          ? { image: solved.image, snapshot: solved.key }
          : undefined;
        return { base, steps: steps.reverse() };
      }
      const parentId = this.parentOf(vertex);
      const parent = parentId ? (await this.solve(parentId)).key : undefined;
      steps.push({
        snapshot: solved.key,
        ...(parent === undefined ? {} : { parent }),
        createdBy: historyText(vertex),
        vertex: vertex.id,
      });
      vertex = parentId ? this.plan.vertices[parentId] : undefined;
    }
    return { steps: steps.reverse() };
  }

  async export(results: SolvedTarget[]): Promise<void> {
    const outputs = this.plan.options.outputs.filter(
      (o) => o.type !== 'cacheonly',
    );
    const exportResults: ExportResult[] = results.map((r) => ({
      platform: r.platform,
      snapshot: r.snapshot,
      config: r.config,
      ...(r.base ? { base: r.base } : {}),
      steps: r.steps,
      ...(r.history ? { history: r.history } : {}),
    }));
    for (const output of outputs) await this.exportOne(output, exportResults);
  }

  private async exportOne(
    output: OutputSpec,
    results: ExportResult[],
  ): Promise<void> {
    const { exporter } = this.backends;
    const id = `export:${contentHash(output)}`;
    const name = exporter.describe(output);
    await this.step(id, name, () =>
      exporter.export(output, results, isMultiPlatform(this.plan.options)),
    );
  }

  /** Solves a vertex once, however many platforms or stages need it. */
  solve(id: string): Promise<Solved> {
    let pending = this.done.get(id);
    if (!pending) {
      pending = this.solveVertex(id);
      this.done.set(id, pending);
    }
    return pending;
  }

  private async solveVertex(id: string): Promise<Solved> {
    const vertex = this.plan.vertices[id];
    if (!vertex) throw new Error(`internal: vertex ${id} is not in the plan`);
    const inputs: string[] = [];
    for (const input of vertex.inputs) {
      inputs.push((await this.solve(input)).key);
    }
    const parentId = this.parentOf(vertex);
    const parent = parentId ? (await this.solve(parentId)).key : undefined;

    switch (vertex.kind) {
      case 'image':
        return this.solveImage(vertex);
      case 'run':
        return this.solveRun(vertex, inputs, parent);
      case 'copy':
        return this.solveCopy(vertex, inputs, parent);
      case 'workdir':
        return this.solveWorkdir(vertex, inputs, parent);
    }
  }

  /**
   * Returns the vertex whose filesystem a step starts from: the step before it
   * in its stage, or the base stage's result (a scratch stage has none).
   */
  private parentOf(vertex: Vertex): string | undefined {
    if (vertex.kind === 'image') return undefined;
    return this.parents.has(vertex.id)
      ? this.parents.get(vertex.id)
      : vertex.inputs[0];
  }

  private async solveImage(vertex: ImageVertex): Promise<Solved> {
    const image = await this.resolveImage(vertex.ref, vertex.platform);
    const key = contentHash({ op: 'image', digest: image.digest });
    const name = vertex.name.endsWith(vertex.ref)
      ? `${vertex.name}@${image.digest}`
      : vertex.name;
    if (await this.backends.snapshots.has(key)) {
      this.emit({ kind: 'vertex-cached', vertex: vertex.id, name });
      return { key, image };
    }
    await this.step(vertex.id, name, () => this.unpackImage(image, key));
    return { key, image };
  }

  private async unpackImage(image: ResolvedImage, key: string): Promise<void> {
    const { snapshots } = this.backends;
    if (await snapshots.has(key)) return;
    await this.build(key, undefined, (active) =>
      this.backends.images.unpack(image, active),
    );
  }

  private async solveRun(
    vertex: RunVertex,
    inputs: string[],
    parent: string | undefined,
  ): Promise<Solved> {
    const mounts = await this.runMounts(vertex);
    const key = contentHash({
      vertex: vertex.id,
      inputs,
      mounts: mounts.map((m) => m.snapshot ?? null),
      devices: vertex.devices.map((d) => d.edits),
    });
    const refused = vertex.devices.find((d) => d.error || !d.allowed);
    if (refused) {
      const error = describeDeviceFailure(refused);
      await this.step(vertex.id, vertex.name, () =>
        Promise.reject(new StepFailure(error)),
      );
    }
    const cached = await this.lookup(key, vertex);
    if (cached) return { key, runEnv: cached.runEnv };

    // The planned env, dir and user are complete when the planner knew the
    // base config; otherwise the image's own join them here.
    const root = this.rootImageVertex(vertex.id);
    const image =
      root && !this.knownImages.has(root)
        ? (await this.solve(root)).image
        : undefined;
    const request = {
      vertex: vertex.id,
      platform: vertex.platform,
      args: vertex.args,
      env: image ? mergeEnv(image.config.env, vertex.env) : vertex.env,
      cwd:
        vertex.cwd && vertex.cwd !== '/'
          ? vertex.cwd
          : image?.config.workingDir || '/',
      user: vertex.user || image?.config.user || '',
      network: vertex.network,
      ...(vertex.security ? { security: vertex.security } : {}),
      mounts,
      devices: vertex.devices,
      files: vertex.files,
    };
    let runEnv: string[] = [];
    await this.step(vertex.id, vertex.name, async () => {
      await this.build(key, parent, async (rootfs) => {
        const result = await this.backends.runner.run(
          { ...request, rootfs },
          (stream, data) =>
            this.emit({ kind: 'vertex-log', vertex: vertex.id, stream, data }),
        );
        if (result.exitCode !== 0) {
          throw new StepFailure(processFailure(vertex.args, result.exitCode));
        }
        runEnv = result.env;
      });
      await this.backends.cache.put({ key, vertex: vertex.id, runEnv });
    });
    return { key, runEnv };
  }

  /** Finds the snapshot each `from=` mount reads: a stage, else an image. */
  private async runMounts(vertex: RunVertex): Promise<ResolvedRunMount[]> {
    const platformPlan = this.plan.platforms.find((p) =>
      p.stages.some((s) => s.vertices.includes(vertex.id)),
    );
    const out: ResolvedRunMount[] = [];
    for (const mount of vertex.mounts) {
      const from = mount.from;
      if (from === undefined || from === '') {
        out.push({ mount });
        continue;
      }
      const stage = platformPlan?.stages.find(
        (s) => s.name === from.toLowerCase() || s.id === from,
      );
      if (stage) {
        const snapshot = stage.result
          ? (await this.solve(stage.result)).key
          : (await this.scratch()).key;
        out.push({ mount, snapshot });
        continue;
      }
      const image = await this.resolveImage(from, vertex.platform);
      const snapshot = contentHash({ op: 'image', digest: image.digest });
      await this.unpackImage(image, snapshot);
      out.push({ mount, snapshot });
    }
    return out;
  }

  private async solveCopy(
    vertex: CopyVertex,
    inputs: string[],
    parent: string | undefined,
  ): Promise<Solved> {
    const request: CopyRequest = {
      instruction: vertex.instruction,
      sources: vertex.sources,
      dest: vertex.dest,
      chmod: vertex.chmod,
      chown: vertex.chown,
      parents: vertex.parents,
      exclude: vertex.exclude,
      ...(vertex.checksum ? { checksum: vertex.checksum } : {}),
      ...(vertex.keepGitDir !== undefined
        ? { keepGitDir: vertex.keepGitDir }
        : {}),
      ...(vertex.unpack !== undefined ? { unpack: vertex.unpack } : {}),
    };
    const source = vertex.source;
    const { key, extra, cached } = await this.prepareCopy(
      vertex,
      request,
      inputs,
    );
    if (cached) return { key };

    await this.step(vertex.id, vertex.name, async () => {
      const { snapshots } = this.backends;
      let from: string | undefined;
      if (source.kind === 'image' && source.ref !== 'scratch') {
        const image = await this.resolveImage(source.ref, vertex.platform);
        from = contentHash({ op: 'image', digest: image.digest });
        await this.unpackImage(image, from);
      }
      await this.build(key, parent, (into) => {
        if (source.kind === 'context')
          return this.backends.context.copy(into, request);
        if (source.kind === 'inline') {
          return snapshots.copy(
            into,
            { kind: 'inline', files: source.files },
            request,
          );
        }
        const stageKey = source.kind === 'stage' ? (extra as string) : from;
        const copySource =
          stageKey === undefined || stageKey === SCRATCH_KEY
            ? ({ kind: 'empty' } as const)
            : ({ kind: 'snapshot', key: stageKey } as const);
        return snapshots.copy(into, copySource, request);
      });
      await this.backends.cache.put({ key, vertex: vertex.id });
    });
    return { key };
  }

  /**
   * Keys a copy step and, when the cache lacks it, fetches its remote
   * sources; their rows end before the step's own row starts or is CACHED.
   */
  private async prepareCopy(
    vertex: CopyVertex,
    request: CopyRequest,
    inputs: string[],
  ): Promise<{ key: string; extra: unknown; cached: boolean }> {
    const source = vertex.source;
    const rows = new SourceRows(
      vertex,
      (event) => this.emit(event),
      !this.options.noCache,
    );
    try {
      let extra: unknown;
      if (source.kind === 'context') {
        extra = await this.digestContext(vertex, request, rows);
      } else if (source.kind === 'stage') {
        extra = source.vertex
          ? (await this.solve(source.vertex)).key
          : SCRATCH_KEY;
      } else if (source.kind === 'image' && source.ref !== 'scratch') {
        const image = await this.resolveImage(source.ref, vertex.platform);
        extra = image.digest;
      }
      const key = contentHash({ vertex: vertex.id, inputs, source: extra });
      if (await this.findRecord(key)) {
        rows.end();
        const { id, name } = vertex;
        this.emit({ kind: 'vertex-cached', vertex: id, name });
        return { key, extra, cached: true };
      }
      const { context } = this.backends;
      if (source.kind === 'context' && context.fetch) {
        rows.endAfterFetch();
        await this.guard(vertex, () => context.fetch!(request, rows));
      }
      return { key, extra, cached: false };
    } finally {
      rows.end();
    }
  }

  private async solveWorkdir(
    vertex: WorkdirVertex,
    inputs: string[],
    parent: string | undefined,
  ): Promise<Solved> {
    const key = contentHash({ vertex: vertex.id, inputs });
    if (await this.lookup(key, vertex)) return { key };
    await this.step(vertex.id, vertex.name, async () => {
      await this.build(key, parent, (into) =>
        this.backends.snapshots.mkdir(
          into,
          vertex.path,
          vertex.user || undefined,
        ),
      );
      await this.backends.cache.put({ key, vertex: vertex.id });
    });
    return { key };
  }

  /** Returns the cache record when the step can be reused, and says so. */
  private async lookup(key: string, vertex: Vertex) {
    const record = await this.findRecord(key);
    if (!record) return undefined;
    this.emit({ kind: 'vertex-cached', vertex: vertex.id, name: vertex.name });
    return record;
  }

  /** Returns the cache record of a step that can be reused. */
  private async findRecord(key: string) {
    if (this.options.noCache) return undefined;
    const record = await this.backends.cache.get(key);
    if (!record || !(await this.backends.snapshots.has(key))) return undefined;
    return record;
  }

  /** Digests a step's context sources; remote ones report on their rows. */
  private async digestContext(
    vertex: CopyVertex,
    request: CopyRequest,
    rows: SourceRows,
  ): Promise<string> {
    // An ADD of URLs or repositories alone reads nothing from the context.
    if (!vertex.sources.every((s) => isRemoteSource(vertex.instruction, s))) {
      await this.loadContext();
    }
    return this.guard(vertex, () =>
      this.backends.context.digest(request, rows),
    );
  }

  /** Makes and commits a snapshot, throwing it away when `work` fails. */
  private async build(
    key: string,
    parent: string | undefined,
    work: (active: ActiveSnapshot) => Promise<void>,
  ): Promise<void> {
    const { snapshots } = this.backends;
    const active = await snapshots.prepare(key, parent);
    try {
      await work(active);
    } catch (error) {
      await snapshots.abort(active);
      throw error;
    }
    await snapshots.commit(active);
  }

  private async scratch(): Promise<Solved> {
    const { snapshots } = this.backends;
    if (!(await snapshots.has(SCRATCH_KEY))) {
      await this.build(SCRATCH_KEY, undefined, async () => {});
    }
    return { key: SCRATCH_KEY };
  }

  /** Follows parent filesystems down to the base image, if there is one. */
  private async rootImage(id: string): Promise<ResolvedImage | undefined> {
    const root = this.rootImageVertex(id);
    return root ? (await this.solve(root)).image : undefined;
  }

  /** Returns the id of the image vertex a vertex's filesystem starts from. */
  private rootImageVertex(id: string): string | undefined {
    let vertex: Vertex | undefined = this.plan.vertices[id];
    while (vertex && vertex.kind !== 'image') {
      vertex = this.plan.vertices[this.parentOf(vertex) ?? ''];
    }
    return vertex?.id;
  }

  private resolveImage(ref: string, platform: string): Promise<ResolvedImage> {
    const id = `metadata:${platform}:${ref}`;
    let pending = this.images.get(id);
    if (!pending) {
      const multi = this.plan.platforms.length > 1;
      const name = `[${multi ? `${platform} ` : ''}internal] load metadata for ${ref}`;
      pending = this.step(id, name, () =>
        this.backends.images.resolve(ref, platform),
      );
      this.images.set(id, pending);
    }
    return pending;
  }

  private async loadContext(): Promise<void> {
    if (this.contextLoaded) return;
    this.contextLoaded = true;
    await this.step(
      'internal:dockerignore',
      '[internal] load .dockerignore',
      async () => {},
    );
    await this.step(
      'internal:context',
      '[internal] load build context',
      async () => {},
    );
  }

  /** Runs `work` as a progress vertex: start, then done or error. */
  private async step<T>(
    id: string,
    name: string,
    work: () => Promise<T>,
  ): Promise<T> {
    this.emit({ kind: 'vertex-start', vertex: id, name });
    try {
      const value = await work();
      this.emit({ kind: 'vertex-done', vertex: id });
      return value;
    } catch (error) {
      const message = errorMessage(error);
      this.emit({ kind: 'vertex-error', vertex: id, error: message });
      throw error instanceof StepFailure ? error : new StepFailure(message);
    }
  }

  /**
   * Runs `work` for a vertex that has not started yet, reporting its failure
   * unless a source row already did.
   */
  private async guard<T>(vertex: Vertex, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StepFailure) throw error;
      return this.step(vertex.id, vertex.name, () => Promise.reject(error));
    }
  }

  private emit(event: DistributiveOmit<ProgressEvent, 'time'>): void {
    this.options.onEvent({
      ...event,
      time: this.options.now(),
    } as ProgressEvent);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown
  ? Omit<T, K>
  : never;

/** Returns BuildKit's `created_by` text for a step's history entry. */
function historyText(vertex: Vertex): string {
  if (vertex.kind === 'run') return `RUN ${vertex.args.join(' ')} # buildkit`;
  if (vertex.kind === 'copy') return `${vertex.text} # buildkit`;
  return vertex.text;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Maps each stage step to the step before it (or the base stage's result). */
/** Lists the image vertices of stages the planner started from a known config. */
function knownImageVertices(plan: BuildPlan): Set<string> {
  const known = new Set<string>();
  for (const platformPlan of plan.platforms) {
    for (const stage of platformPlan.stages) {
      const first = plan.vertices[stage.vertices[0] ?? ''];
      if (stage.base.kind !== 'image' || !stage.baseConfigKnown) continue;
      if (first?.kind === 'image') known.add(first.id);
    }
  }
  return known;
}

function parentIndex(plan: BuildPlan): Map<string, string | undefined> {
  const parents = new Map<string, string | undefined>();
  for (const platformPlan of plan.platforms) {
    for (const stage of platformPlan.stages) {
      const base = stage.base;
      let previous =
        base.kind === 'stage'
          ? platformPlan.stages.find((s) => s.index === base.stage)?.result
          : undefined;
      for (const id of stage.vertices) {
        if (!parents.has(id)) parents.set(id, previous);
        previous = id;
      }
    }
  }
  return parents;
}
