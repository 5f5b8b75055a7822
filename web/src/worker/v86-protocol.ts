// The v86 runner worker's wire types: what the page sends and gets back.
// Plain, structured-clone-safe data; callbacks travel as comlink proxies.

import type {
  BuildPlan,
  ImageConfig,
  ProgressEvent,
} from '../../../core/src/index.ts';
import type { OfflineImage } from '../v86/bundle-images.ts';
import type { DirNode, FileChange } from '../v86/file-tree.ts';
import type { StartReport } from '../v86/guest-start.ts';
import type { RunNote } from '../v86/v86-runner.ts';
import type { WasiRunReport } from '../wasi/wasi-runner.ts';

/** Where the worker finds the guest, v86's wasm and the image bundles. */
export interface V86Config {
  guestUrl: string;
  wasmUrl: string;
  imagesUrl: string;
  /** IndexedDB names; tests pass their own to start clean. */
  stateDatabase?: string;
  imageDatabase?: string;
  /** Use and keep the booted state in IndexedDB (default true). */
  useSnapshot?: boolean;
}

/**
 * Something that happened during a build, streamed as it happens; `serial`
 * is what the guest printed on its console (boot messages, `/init`'s lines).
 */
export type BuildUpdate =
  | { kind: 'progress'; event: ProgressEvent }
  | { kind: 'note'; note: RunNote }
  | { kind: 'guest'; report: StartReport }
  | { kind: 'serial'; text: string };

/** How one build runs. */
export interface BuildRunOptions {
  /** Runs every step even when the page's cache has it. */
  noCache?: boolean;
  /** The build context, after `.dockerignore`. */
  context?: DirNode;
  /** Stops a RUN whose process runs longer (ms); no limit when unset or 0. */
  runTimeoutMs?: number;
}

/** One file of a result, without its bytes. */
export interface FileInfo {
  path: string;
  type: 'dir' | 'file' | 'symlink' | 'special';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  target?: string;
}

/** A built platform's files. */
export interface TargetFiles {
  platform: string;
  files: FileInfo[];
  config: ImageConfig;
  /** The entrypoint's argv when its program is a WASI module. */
  wasiEntrypoint?: string[];
}

/** The outcome of a build in the worker. */
export interface BuildReport {
  ok: boolean;
  /** As BuildKit prints it, e.g. `failed to solve: ...`. */
  error?: string;
  targets: TargetFiles[];
  /** The local export's entries (a folder per platform when split). */
  exported: FileInfo[];
  /** Paths each RUN changed, by vertex id. */
  changes: Record<string, FileChange[]>;
  notes: RunNote[];
  elapsedMs: number;
}

/** One command run in a fresh copy of an image's files. */
export interface ExecRequest {
  image: string;
  args: string[];
  env?: string[];
  cwd?: string;
}

/** How that command ended. */
export interface ExecReport {
  exitCode: number;
  stdout: string;
  stderr: string;
  changes: FileChange[];
  /** Time in the guest runner: lay the root, run, read it back. */
  ms: number;
  timings: { layMs: number; runMs: number; readMs: number };
  /** Guest instructions the job took. */
  instructions: number;
}

/** The one API object the v86 runner worker exposes. */
export interface V86WorkerApi {
  /** Sets where things are; call once before anything else. */
  configure(config: V86Config): void;
  /**
   * Restores or boots the guest now instead of at the first RUN; its
   * console goes to `onUpdate` until a build takes over.
   */
  start(onUpdate?: (update: BuildUpdate) => void): Promise<StartReport>;
  /** Runs a plan (linux/386 steps in the guest). */
  build(
    plan: BuildPlan,
    onUpdate: (update: BuildUpdate) => void,
    options?: BuildRunOptions,
  ): Promise<BuildReport>;
  /**
   * Cancels the running build: its RUN is stopped (the guest is stopped
   * and restored at the next RUN, a WASI program's worker ended), and the
   * build ends with BuildKit's `Canceled: context canceled`.
   */
  cancel(): void;
  /** Lists the images the offline store resolves, with their platforms. */
  listImages(): Promise<OfflineImage[]>;
  /** Runs one command in an image's files (for checks and measurements). */
  exec(request: ExecRequest): Promise<ExecReport>;
  /** Reads a file of the last build's result for a platform. */
  readFile(platform: string, path: string): Uint8Array | undefined;
  /** Runs the WASI entrypoint of the last build's result for a platform. */
  runEntrypoint(platform: string): Promise<WasiRunReport>;
  /** Packs the last build's result for a platform as a tar archive. */
  exportTar(platform: string): Uint8Array | undefined;
  /** Packs the last build's local export as a tar or zip archive. */
  exportArchive(format: 'tar' | 'zip'): Uint8Array | undefined;
  /** Deletes stored guest states and images, and forgets built steps. */
  clearStored(): Promise<void>;
  /** Stops the guest. */
  shutdown(): Promise<void>;
}
