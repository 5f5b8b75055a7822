// Runs a build plan in the browser: core's solveBuild over the v86 guest and
// the WASI shim, in-memory snapshots, the offline image bundles and an
// in-page exporter.

import {
  solveBuild,
  type BuildPlan,
  type ImageConfig,
  type ImageSource,
  type ProgressEvent,
  type RunRequest,
  type RunResult,
  type Snapshotter,
  type SolveResult,
} from '../../../core/src/index.ts';
import { emptyDir, type DirNode, type FileChange } from './file-tree.ts';
import type { GuestMachine } from './guest-machine.ts';
import { BundleImages } from './bundle-images.ts';
import {
  MemoryCache,
  MemoryExporter,
  TreeContext,
  type ExportedTree,
} from './memory-backends.ts';
import { MemorySnapshotter } from './memory-snapshotter.ts';
import { V86Runner, type RunNote } from './v86-runner.ts';
import { WasiProcessHost } from '../wasi/wasi-process-host.ts';
import { WasiRunner } from '../wasi/wasi-runner.ts';
import { isWasiStep } from '../wasi/wasi-step.ts';
import { canceledError, runTimeoutError } from './build-stop.ts';

/** One platform's target after a build: its files and config. */
export interface BuiltTarget {
  platform: string;
  tree: DirNode;
  config: ImageConfig;
}

/** What a browser build returns. */
export interface BrowserBuildResult {
  solve: SolveResult;
  targets: BuiltTarget[];
  exports: ExportedTree[];
  notes: RunNote[];
}

/** Options of one build. */
export interface BrowserBuildOptions {
  onEvent: (event: ProgressEvent) => void;
  onNote?: (note: RunNote) => void;
  noCache?: boolean;
  /** The build context; empty when not given. */
  context?: DirNode;
  /** Stops a RUN whose process runs longer (ms); no limit when unset or 0. */
  runTimeoutMs?: number;
}

/** Keeps snapshots, cache and images between builds of one page. */
export class BrowserExecutor {
  readonly snapshots = new MemorySnapshotter();
  readonly cache = new MemoryCache();
  readonly images: BundleImages;
  /** The worker WASI programs run in; ended to stop one. */
  readonly wasiProcesses = new WasiProcessHost();
  private readonly runner: V86Runner;
  private readonly wasi: WasiRunner;
  private notes: RunNote[] = [];
  private noteListener?: (note: RunNote) => void;
  /** Set by `cancel` until the next build starts. */
  private canceled: Error | undefined;
  /** Stops the running RUN, when there is one. */
  private halt: ((error: Error) => void) | undefined;
  /** Per RUN request: starts its clock once its process starts. */
  private readonly processStarts = new WeakMap<RunRequest, () => void>();

  constructor(
    private readonly options: {
      machine: () => Promise<GuestMachine>;
      imagesUrl: string;
      imageDatabase?: string;
      /** Returns the QEMU user-mode binary for an emulated platform. */
      emulator?: (platform: string) => Promise<Uint8Array | undefined>;
      /** Stops the guest in the middle of a job; the next RUN starts one. */
      stopGuest?: (error: Error) => void;
    },
  ) {
    this.images = new BundleImages({
      baseUrl: options.imagesUrl,
      snapshots: this.snapshots,
      database: options.imageDatabase,
    });
    const onNote = (note: RunNote) => {
      this.notes.push(note);
      this.noteListener?.(note);
    };
    const onProcessStart = (request: RunRequest) =>
      this.processStarts.get(request)?.();
    this.runner = new V86Runner({
      machine: options.machine,
      emulator: options.emulator,
      snapshots: this.snapshots,
      onNote,
      onProcessStart,
    });
    this.wasi = new WasiRunner({
      snapshots: this.snapshots,
      onNote,
      onProcessStart,
      process: (request, onOutput) => this.wasiProcesses.run(request, onOutput),
    });
  }

  /**
   * Cancels the build that is running: its RUN is stopped (the guest is
   * stopped, or the WASI worker ended) and no further step starts.
   */
  cancel(): void {
    this.canceled ??= canceledError();
    this.halt?.(this.canceled);
  }

  /** Builds every platform of the plan; steps the guest cannot run fail with the reason. */
  async build(
    plan: BuildPlan,
    options: BrowserBuildOptions,
  ): Promise<BrowserBuildResult> {
    this.notes = [];
    this.noteListener = options.onNote;
    this.canceled = undefined;
    const exporter = new MemoryExporter(this.snapshots);
    const started = performance.now();
    const solve = await solveBuild(
      plan,
      {
        images: this.checkedImages(),
        snapshots: this.checkedSnapshots(),
        runner: {
          run: (request, onOutput) =>
            this.runStep(request, onOutput, options.runTimeoutMs ?? 0),
        },
        context: new TreeContext(this.snapshots, options.context ?? emptyDir()),
        exporter,
        cache: this.cache,
      },
      {
        onEvent: options.onEvent,
        now: () => performance.now() - started,
        noCache: options.noCache,
      },
    );
    const targets = solve.results.map((r) => ({
      platform: r.platform,
      tree: this.snapshots.committedTree(r.snapshot),
      config: r.config,
    }));
    this.noteListener = undefined;
    return { solve, targets, exports: exporter.exports, notes: this.notes };
  }

  /**
   * Runs one RUN (a WASI program with the shim, anything else in the
   * guest) until it ends, the build is canceled or its time is up.
   */
  private async runStep(
    request: RunRequest,
    onOutput: (stream: 1 | 2, data: string) => void,
    timeoutMs: number,
  ): Promise<RunResult> {
    this.checkCanceled();
    const wasi = isWasiStep(request.platform, request.args);
    let stop!: (error: Error) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    let halted: Error | undefined;
    this.halt = (error) => {
      halted ??= error;
      stop(error);
      if (wasi) this.wasiProcesses.abort(error);
      else this.options.stopGuest?.(error);
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The runner calls back with this very object, even after a stop.
    const step = { ...request };
    this.processStarts.set(step, () => {
      // A step stopped while its guest started must not run after all.
      if (halted) throw halted;
      if (timeoutMs <= 0 || timer !== undefined) return;
      const error = runTimeoutError(request.args, timeoutMs);
      timer = setTimeout(() => this.halt?.(error), timeoutMs);
    });
    const work = wasi
      ? this.wasi.run(step, onOutput)
      : this.runner.run(step, onOutput);
    // A stopped step's own failure comes later and is not the news.
    work.catch(() => undefined);
    try {
      return await Promise.race([work, stopped]);
    } finally {
      clearTimeout(timer);
      this.halt = undefined;
    }
  }

  private checkCanceled(): void {
    if (this.canceled) throw this.canceled;
  }

  /** The image source, refusing new work once the build is canceled. */
  private checkedImages(): ImageSource {
    return {
      resolve: async (ref, platform) => {
        this.checkCanceled();
        return this.images.resolve(ref, platform);
      },
      unpack: (image, into) => this.images.unpack(image, into),
    };
  }

  /** The snapshotter, refusing new snapshots once the build is canceled. */
  private checkedSnapshots(): Snapshotter {
    const s = this.snapshots;
    return {
      has: (key) => s.has(key),
      prepare: async (key, parent) => {
        this.checkCanceled();
        return s.prepare(key, parent);
      },
      commit: (active) => s.commit(active),
      abort: (active) => s.abort(active),
      mkdir: (into, path, user) => s.mkdir(into, path, user),
      copy: (into, source, request) => s.copy(into, source, request),
      locate: (key) => s.locate(key),
    };
  }

  /** Returns what each RUN of this page changed, by vertex id. */
  runChanges(): Map<string, FileChange[]> {
    return new Map([...this.runner.changes, ...this.wasi.changes]);
  }

  /** Forgets snapshots and cached steps (images stay in IndexedDB). */
  reset(): void {
    this.snapshots.clear();
    this.cache.clear();
  }
}
