// core's Runner for WASI steps: the step's root tree is the program's `/`,
// its env and arguments are the step's, and what it writes is the layer.

import {
  applyCdiEdits,
  envValue,
  type ImageConfig,
  type RunRequest,
  type RunResult,
  type Runner,
} from '../../../core/src/index.ts';
import {
  cloneTree,
  ensureDir,
  lookup,
  putNode,
  removeNode,
  type DirNode,
  type FileChange,
  type TreeNode,
} from '../v86/file-tree.ts';
import type { MemorySnapshotter } from '../v86/memory-snapshotter.ts';
import { resolveUser } from '../v86/tree-users.ts';
import { unappliedEdits, type RunNote } from '../v86/v86-runner.ts';
import {
  runWasiProcess,
  type WasiProcessRequest,
  type WasiProcessResult,
} from './wasi-process.ts';
import { findProgram } from './wasi-step.ts';

/** How an image's entrypoint ran in the page. */
export interface WasiRunReport {
  args: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs one WASI process: here, or in a worker that can be stopped. */
export type WasiProcessRun = (
  request: WasiProcessRequest,
  onOutput: (stream: 1 | 2, data: string) => void,
) => Promise<WasiProcessResult>;

/** What the runner needs from the rest of the browser executor. */
export interface WasiRunnerOptions {
  snapshots: MemorySnapshotter;
  onNote?: (note: RunNote) => void;
  /** Seconds since the epoch, for the times of changed files. */
  now?: () => number;
  /** Where programs run; in this thread when unset. */
  process?: WasiProcessRun;
  /**
   * Called when the program is found and about to start; a throw stops
   * the step.
   */
  onProcessStart?: (request: RunRequest) => void;
}

/** Runs RUN steps whose program is a WASI module, with the shim. */
export class WasiRunner implements Runner {
  /** What each RUN vertex added, changed or removed, by vertex id. */
  readonly changes = new Map<string, FileChange[]>();

  constructor(private readonly options: WasiRunnerOptions) {}

  async run(
    request: RunRequest,
    onOutput: (stream: 1 | 2, data: string) => void,
  ): Promise<RunResult> {
    const note = (message: string) =>
      this.options.onNote?.({ vertex: request.vertex, message });
    const { snapshots } = this.options;
    const root = snapshots.tree(request.rootfs);

    const user = resolveUser(root, request.user);
    const edits = request.devices.flatMap((d) => d.edits);
    const applied = applyCdiEdits(
      { process: { env: [...request.env] } },
      edits.map((e) => ({ env: e.env })),
    );
    const error = applied.diagnostics.find((d) => d.severity === 'error');
    if (error) throw new Error(error.message);
    for (const message of unappliedEdits(edits)) note(message);
    for (const { mount } of request.mounts) {
      note(`--mount ${mount.raw}: not applied to a WASI step`);
    }
    if (request.network === 'host') {
      note('network=host: WASI steps have no network');
    }

    const env = applied.spec.process?.env ?? request.env;
    ensureDir(root, request.cwd, 0, 0);
    const restore = placeFiles(root, request);
    const found = findProgram(root, request.args[0] ?? '', env, request.cwd);
    if (!found.ok) {
      restore(root);
      throw new Error(found.error);
    }
    const run = this.options.process ?? runWasiProcess;
    this.options.onProcessStart?.(request);
    const result = await run(
      {
        path: found.path,
        module: found.data,
        args: request.args,
        env: withWorkingDir(env, request.cwd),
        root,
        owner: user,
        now: this.now(),
      },
      onOutput,
    );
    restore(root);
    restore(result.root);
    snapshots.setTree(request.rootfs, result.root);
    const inline = new Set(request.files.map((f) => cleanPath(f.path)));
    this.changes.set(
      request.vertex,
      result.changes.filter((c) => !inline.has(c.path)),
    );
    return { exitCode: result.exitCode, env };
  }

  private now(): number {
    return this.options.now?.() ?? Math.floor(Date.now() / 1000);
  }
}

/**
 * Runs an image's entrypoint (with its CMD) as a WASI program in a copy of
 * the image's files, as `docker run` would; nothing it writes is kept.
 */
export async function runImageEntrypoint(
  tree: DirNode,
  config: ImageConfig,
  extraArgs: string[] = [],
  run: WasiProcessRun = runWasiProcess,
): Promise<WasiRunReport> {
  const args = entrypointArgs(config, extraArgs);
  const env = config.env;
  const cwd = config.workingDir || '/';
  const root = cloneTree(tree);
  const found = findProgram(root, args[0] ?? '', env, cwd);
  if (!found.ok) throw new Error(found.error);

  ensureDir(root, cwd);
  let stdout = '';
  let stderr = '';
  const result = await run(
    {
      path: found.path,
      module: found.data,
      args,
      env: withWorkingDir(env, cwd),
      root,
      owner: resolveUser(root, config.user ?? ''),
      now: Math.floor(Date.now() / 1000),
    },
    (stream, data) => {
      if (stream === 1) stdout += data;
      else stderr += data;
    },
  );
  return { args, exitCode: result.exitCode, stdout, stderr, ms: result.ms };
}

/** Returns what `docker run IMAGE [ARGS]` starts: ENTRYPOINT, CMD or ARGS. */
export function entrypointArgs(
  config: ImageConfig,
  extraArgs: string[] = [],
): string[] {
  const tail = extraArgs.length > 0 ? extraArgs : (config.cmd ?? []);
  return [...(config.entrypoint ?? []), ...tail];
}

/**
 * Returns the argv of an image's entrypoint when its program is a WASI
 * module in `tree`, so the page can offer to run it.
 */
export function wasiEntrypoint(
  tree: DirNode,
  config: ImageConfig,
): string[] | undefined {
  const args = entrypointArgs(config);
  if (args.length === 0) return undefined;
  const cwd = config.workingDir || '/';
  return findProgram(tree, args[0]!, config.env, cwd).ok ? args : undefined;
}

/**
 * Adds `PWD`: WASI has no working directory (wasi-libc starts every
 * program at `/`), so the step's is passed the way a shell passes it.
 */
function withWorkingDir(env: string[], cwd: string): string[] {
  return envValue(env, 'PWD') === undefined ? [...env, `PWD=${cwd}`] : env;
}

/** Puts a heredoc RUN's files in place; returns what takes them out. */
function placeFiles(
  root: DirNode,
  request: RunRequest,
): (tree: DirNode) => void {
  const saved: { path: string; node: TreeNode | undefined }[] = [];
  for (const file of request.files) {
    saved.push({ path: file.path, node: lookup(root, file.path, false)?.node });
    putNode(root, file.path, {
      type: 'file',
      mode: file.mode ?? 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      data: new TextEncoder().encode(file.content),
    });
  }
  return (tree) => {
    for (const { path, node } of [...saved].reverse()) {
      if (node) putNode(tree, path, node);
      else removeNode(tree, path);
    }
  };
}

function cleanPath(path: string): string {
  return `/${path
    .split('/')
    .filter((p) => p && p !== '.')
    .join('/')}`;
}
