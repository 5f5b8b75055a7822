// Runs a build plan in the browser: core's solveBuild over the v86 guest and
// the WASI shim, in-memory snapshots, the offline image bundles and an
// in-page exporter.

import {
  solveBuild,
  type BuildPlan,
  type ImageConfig,
  type ProgressEvent,
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
import { WasiRunner } from '../wasi/wasi-runner.ts';
import { isWasiStep } from '../wasi/wasi-step.ts';

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
}

/** Keeps snapshots, cache and images between builds of one page. */
export class BrowserExecutor {
  readonly snapshots = new MemorySnapshotter();
  readonly cache = new MemoryCache();
  readonly images: BundleImages;
  private readonly runner: V86Runner;
  private readonly wasi: WasiRunner;
  private notes: RunNote[] = [];
  private noteListener?: (note: RunNote) => void;

  constructor(options: {
    machine: () => Promise<GuestMachine>;
    imagesUrl: string;
    imageDatabase?: string;
    /** Returns the QEMU user-mode binary for an emulated platform. */
    emulator?: (platform: string) => Promise<Uint8Array | undefined>;
  }) {
    this.images = new BundleImages({
      baseUrl: options.imagesUrl,
      snapshots: this.snapshots,
      database: options.imageDatabase,
    });
    const onNote = (note: RunNote) => {
      this.notes.push(note);
      this.noteListener?.(note);
    };
    this.runner = new V86Runner({
      machine: options.machine,
      emulator: options.emulator,
      snapshots: this.snapshots,
      onNote,
    });
    this.wasi = new WasiRunner({ snapshots: this.snapshots, onNote });
  }

  /** Builds every platform of the plan; steps the guest cannot run fail with the reason. */
  async build(
    plan: BuildPlan,
    options: BrowserBuildOptions,
  ): Promise<BrowserBuildResult> {
    this.notes = [];
    this.noteListener = options.onNote;
    const exporter = new MemoryExporter(this.snapshots);
    const started = performance.now();
    const solve = await solveBuild(
      plan,
      {
        images: this.images,
        snapshots: this.snapshots,
        // WASI programs run with the shim, everything else in the guest.
        runner: {
          run: (request, onOutput) =>
            isWasiStep(request.platform, request.args)
              ? this.wasi.run(request, onOutput)
              : this.runner.run(request, onOutput),
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
