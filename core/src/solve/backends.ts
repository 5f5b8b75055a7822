// The interfaces a solve drives: images, snapshots, processes, the build
// context, exporters and the cache. Executors implement them; data in and out.

import type { DeviceResolution } from '../model/cdi.ts';
import type { OutputSpec } from '../model/options.ts';
import type { HistoryRow, ImageConfig, InlineFile } from '../model/plan.ts';
import type { RunMount } from '../model/instructions.ts';

/** A writable filesystem being made for one cache key; `handle` is the backend's own. */
export interface ActiveSnapshot {
  key: string;
  handle: string;
}

/** One layer of an image as its manifest lists it. */
export interface ImageLayer {
  digest: string;
  mediaType: string;
  size: number;
}

/** An image reference resolved for one platform. */
export interface ResolvedImage {
  /** The normalised reference, e.g. `docker.io/library/busybox:1.36`. */
  ref: string;
  platform: string;
  /** Digest of the platform's manifest. */
  digest: string;
  config: ImageConfig;
  layers: ImageLayer[];
}

/** Finds images and unpacks their layers. */
export interface ImageSource {
  /** Resolves a reference for a platform; rejects with a user-facing message. */
  resolve(ref: string, platform: string): Promise<ResolvedImage>;
  /** Applies the image's layers, in order, to an empty snapshot. */
  unpack(image: ResolvedImage, into: ActiveSnapshot): Promise<void>;
}

/** What `COPY`/`ADD` asks for, whatever the source. */
export interface CopyRequest {
  instruction: 'COPY' | 'ADD';
  sources: string[];
  dest: string;
  chmod?: string;
  chown?: string;
  parents: boolean;
  exclude: string[];
  /** ADD `--checksum`: `sha256:<hex>` for a URL, a commit prefix for Git. */
  checksum?: string;
  /** ADD `--keep-git-dir`, when given. */
  keepGitDir?: boolean;
  /** ADD `--unpack`, when given (local archives unpack by default, URLs not). */
  unpack?: boolean;
}

/** Where a snapshot copy reads from. */
export type SnapshotCopySource =
  | { kind: 'snapshot'; key: string }
  | { kind: 'empty' }
  | { kind: 'inline'; files: InlineFile[] };

/** Keeps committed filesystems by cache key and makes new ones from them. */
export interface Snapshotter {
  /** Reports whether a committed snapshot exists for the key. */
  has(key: string): Promise<boolean>;
  /** Starts a writable copy of `parent` (or an empty one) for `key`. */
  prepare(key: string, parent?: string): Promise<ActiveSnapshot>;
  /** Makes an active snapshot the committed one for its key, atomically. */
  commit(active: ActiveSnapshot): Promise<void>;
  /** Throws an active snapshot away. */
  abort(active: ActiveSnapshot): Promise<void>;
  /** Creates a directory (and parents) owned by `user` when given. */
  mkdir(into: ActiveSnapshot, path: string, user?: string): Promise<void>;
  /** Copies files from another snapshot or inline content. */
  copy(
    into: ActiveSnapshot,
    source: SnapshotCopySource,
    request: CopyRequest,
  ): Promise<void>;
  /** Returns where a committed snapshot can be read (a directory for hosts). */
  locate(key: string): string;
}

/** Writes a chunk of a fetch's output (git's) as log rows of its source. */
export type SourceLog = (stream: 1 | 2, data: string) => void;

/**
 * Lets a context source show the fetch of each remote source (an ADD URL or
 * repository) as that source's own progress row, as BuildKit's HTTP and git
 * source vertices show.
 */
export interface SourceFetchReporter {
  /** Runs `work` as the fetch of `request.sources[index]`; its row runs meanwhile. */
  fetch<T>(index: number, work: (log: SourceLog) => Promise<T>): Promise<T>;
  /** Marks a source whose content an earlier build already fetched. */
  cached(index: number): void;
}

/** The build context after `.dockerignore`. */
export interface ContextSource {
  /**
   * Digests the files the sources select, for the cache key; remote sources
   * are resolved (and downloaded where the key needs the body) through
   * `sources` when it is given.
   */
  digest(request: CopyRequest, sources?: SourceFetchReporter): Promise<string>;
  /**
   * Fetches what `copy` will read from remote sources, once the step is
   * known not to be cached; optional, for sources with nothing to fetch.
   */
  fetch?(request: CopyRequest, sources: SourceFetchReporter): Promise<void>;
  /** Copies the selected files into a snapshot. */
  copy(into: ActiveSnapshot, request: CopyRequest): Promise<void>;
}

/** A `RUN --mount` with what its source resolved to. */
export interface ResolvedRunMount {
  mount: RunMount;
  /** The committed snapshot a `from=` bind or cache mount reads, if any. */
  snapshot?: string;
}

/** Everything a runner needs to start one `RUN` process. */
export interface RunRequest {
  vertex: string;
  rootfs: ActiveSnapshot;
  platform: string;
  args: string[];
  env: string[];
  cwd: string;
  user: string;
  network: 'default' | 'none' | 'host';
  /** `insecure` asks for a privileged process; absent means sandbox. */
  security?: 'sandbox' | 'insecure';
  mounts: ResolvedRunMount[];
  devices: DeviceResolution[];
  files: InlineFile[];
}

/** How a process ended, and the environment it was started with. */
export interface RunResult {
  exitCode: number;
  env: string[];
}

/** Runs processes in snapshots. */
export interface Runner {
  /** Runs one process; rejects only when it cannot be started. */
  run(
    request: RunRequest,
    onOutput: (stream: 1 | 2, data: string) => void,
  ): Promise<RunResult>;
}

/** One filesystem step of a result over the step before it. */
export interface ExportStep {
  /** The committed snapshot after the step. */
  snapshot: string;
  /** The snapshot the step started from; absent over an empty filesystem. */
  parent?: string;
  /** The image history's `created_by`, e.g. `RUN /bin/sh -c make # buildkit`. */
  createdBy: string;
  /** The plan vertex the step ran. */
  vertex?: string;
}

/** One platform's final filesystem, as the exporter receives it. */
export interface ExportResult {
  platform: string;
  snapshot: string;
  config: ImageConfig;
  /** The base image and its unpacked snapshot, when the result has one. */
  base?: { image: ResolvedImage; snapshot: string };
  /** The filesystem steps over the base (or over nothing), in order. */
  steps?: ExportStep[];
  /**
   * The history rows the Dockerfile adds over the base image, empty-layer
   * rows included; layer rows name their step's vertex.
   */
  history?: HistoryRow[];
}

/** Writes results out as one `--output` asks. */
export interface Exporter {
  /** Returns the progress name, e.g. `exporting to client directory`. */
  describe(output: OutputSpec): string;
  export(
    output: OutputSpec,
    results: ExportResult[],
    multiPlatform: boolean,
  ): Promise<void>;
}

/** What the cache remembers about a committed step. */
export interface CacheRecord {
  key: string;
  vertex: string;
  /** The environment of a RUN process, CDI injections included. */
  runEnv?: string[];
}

/** Remembers finished steps by cache key. */
export interface Cache {
  get(key: string): Promise<CacheRecord | undefined>;
  put(record: CacheRecord): Promise<void>;
}

/** The backends one solve uses. */
export interface SolveBackends {
  images: ImageSource;
  snapshots: Snapshotter;
  runner: Runner;
  context: ContextSource;
  exporter: Exporter;
  cache: Cache;
}
