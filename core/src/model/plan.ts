// The build plan: what core computes once and every executor runs.
// Plain, structured-clone-safe data.

import type { DeviceResolution } from './cdi.ts';
import type { Diagnostic, Location } from './diagnostic.ts';
import type { RunMount } from './instructions.ts';
import type { ResolvedBuildOptions } from './options.ts';

/** The image config a stage produces (OCI image config `config` field). */
export interface ImageConfig {
  env: string[];
  workingDir?: string;
  user?: string;
  cmd?: string[];
  entrypoint?: string[];
  labels: Record<string, string>;
  exposedPorts: string[];
  volumes: string[];
  shell: string[];
  stopSignal?: string;
  healthcheck?: {
    test: string[];
    interval?: string;
    timeout?: string;
    startPeriod?: string;
    startInterval?: string;
    retries?: number;
  };
  onBuild: string[];
  /**
   * The platform the image's config declares (`os/architecture[/variant]`),
   * for a base image config the caller resolved; the InvalidBaseImagePlatform
   * check compares it with the platform the build expected.
   */
  platform?: string;
}

/** Where a stage starts from. */
export type StageBase =
  | { kind: 'image'; ref: string; platform: string }
  | { kind: 'stage'; stage: number }
  | { kind: 'scratch' };

interface VertexBase {
  /** Content address (`sha256:...`) of the operation and its inputs. */
  id: string;
  /** Index of the stage the step belongs to. */
  stage: number;
  /** Platform the step runs for (a `$BUILDPLATFORM` stage shares it). */
  platform: string;
  /** BuildKit's progress name, e.g. `[build 2/3] RUN make`. */
  name: string;
  /** The instruction's text, e.g. `RUN make`. */
  text: string;
  location?: Location;
  /** Vertex ids this step reads: its parent filesystem first, then any other. */
  inputs: string[];
}

/** Pulls a base image: `FROM ref`. */
export interface ImageVertex extends VertexBase {
  kind: 'image';
  ref: string;
}

/** Runs a process: `RUN`. */
export interface RunVertex extends VertexBase {
  kind: 'run';
  /** The argv, shell included for shell form. */
  args: string[];
  env: string[];
  cwd: string;
  user: string;
  network: 'default' | 'none' | 'host';
  /** `--security=insecure` runs with every capability and no /proc masks; absent means sandbox. */
  security?: 'sandbox' | 'insecure';
  mounts: RunMount[];
  /** Resolved `--device` requests, in the order written. */
  devices: DeviceResolution[];
  /** Files a heredoc RUN needs written before it starts. */
  files: InlineFile[];
}

/** A file whose content is in the Dockerfile (a heredoc). */
export interface InlineFile {
  path: string;
  content: string;
  mode?: number;
}

/** Copies files: `COPY` and `ADD`. */
export interface CopyVertex extends VertexBase {
  kind: 'copy';
  instruction: 'COPY' | 'ADD';
  source:
    | { kind: 'context' }
    | { kind: 'stage'; stage: number; vertex?: string }
    | { kind: 'image'; ref: string }
    | { kind: 'inline'; files: InlineFile[] };
  /** Source paths, expanded. */
  sources: string[];
  /** Absolute destination, resolved against the working directory. */
  dest: string;
  chmod?: string;
  chown?: string;
  link: boolean;
  parents: boolean;
  exclude: string[];
  /** ADD `--checksum`, expanded: `sha256:<hex>` (HTTP) or a commit prefix (Git). */
  checksum?: string;
  /** ADD `--keep-git-dir`, when given. */
  keepGitDir?: boolean;
  /** ADD `--unpack`, when given. */
  unpack?: boolean;
}

/** Creates the working directory: `WORKDIR`. */
export interface WorkdirVertex extends VertexBase {
  kind: 'workdir';
  path: string;
  user: string;
}

/** One row of the image history, as BuildKit's Dockerfile frontend writes it. */
export interface HistoryRow {
  /** E.g. `ENV A=1`, or `RUN /bin/sh -c make # buildkit` for a layer. */
  createdBy: string;
  /** True for an instruction that changes only the config. */
  emptyLayer: boolean;
  /** The filesystem step whose layer the row describes. */
  vertex?: string;
}

export type Vertex = ImageVertex | RunVertex | CopyVertex | WorkdirVertex;

/** One stage for one target platform. */
export interface StagePlan {
  index: number;
  /** Lower-cased `AS` name. */
  name?: string;
  /** `name` or the index as a string: how cases and `--target` refer to it. */
  id: string;
  built: boolean;
  /** Why it is built or skipped, in words. */
  reason: string;
  platform: string;
  base: StageBase;
  /** Build args visible to RUN at the end of the stage, by name. */
  args: Record<string, string>;
  /** The image config at the end of the stage. */
  config: ImageConfig;
  /**
   * Whether the stage's base config was known when planning (scratch, a
   * given image config, or a stage whose own base was known); when false,
   * `config` and RUN envs hold only what the Dockerfile set. The planner
   * always sets it; absent (older plans) reads as false.
   */
  baseConfigKnown?: boolean;
  /**
   * The image history rows the stage's instructions add over its base image,
   * base stages' rows first; absent in plans from before it was planned.
   */
  history?: HistoryRow[];
  /** The stage's step vertices in order (not including its base stage's). */
  vertices: string[];
  /** The vertex whose filesystem is the stage's result; absent for an empty scratch stage. */
  result?: string;
  location?: Location;
}

/** The plan for one target platform. */
export interface PlatformPlan {
  platform: string;
  /** Index of the target stage. */
  target: number;
  stages: StagePlan[];
  /** Indices of the built stages in dependency order. */
  order: number[];
}

/** The legacy builder's view: every stage up to the target, in order. */
export interface LegacyStep {
  step: number;
  total: number;
  stage: number;
  text: string;
}

export interface BuildPlan {
  file: string;
  options: ResolvedBuildOptions;
  /** Instruction keywords in file order, upper case. */
  instructions: string[];
  platforms: PlatformPlan[];
  /** Every vertex by id; one vertex may serve several platforms. */
  vertices: Record<string, Vertex>;
  legacy?: LegacyStep[];
  diagnostics: Diagnostic[];
  /** False when any diagnostic is an error: the build must not run. */
  ok: boolean;
}
