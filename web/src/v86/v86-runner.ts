// core's Runner over the v86 guest: resolves the user, applies the CDI edits
// a browser can honour (env, groups), lays mounts and runs the process.

import {
  applyCdiEdits,
  envValue,
  type CdiContainerEdits,
  type RunRequest,
  type RunResult,
  type Runner,
} from '../../../core/src/index.ts';
import {
  cloneTree,
  emptyDir,
  ensureDir,
  lookup,
  pathParts,
  putNode,
  removeNode,
  type DirNode,
  type FileChange,
  type TreeNode,
} from './file-tree.ts';
import {
  EMULATORS,
  GUEST_PLATFORM,
  guestSupport,
  normalizedPlatform,
} from './emulation.ts';
import type { GuestMachine } from './guest-machine.ts';
import type { MemorySnapshotter } from './memory-snapshotter.ts';
import { resolveUser } from './tree-users.ts';

const DEFAULT_PATH =
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Something the browser could not do for a step, shown beside its output. */
export interface RunNote {
  vertex: string;
  message: string;
}

/** What the runner needs from the rest of the browser executor. */
export interface V86RunnerOptions {
  machine: () => Promise<GuestMachine>;
  snapshots: MemorySnapshotter;
  onNote?: (note: RunNote) => void;
  /** Returns the QEMU user-mode binary for an emulated platform, if any. */
  emulator?: (platform: string) => Promise<Uint8Array | undefined>;
  /**
   * Called when the guest is up and the process is about to start; a throw
   * stops the step.
   */
  onProcessStart?: (request: RunRequest) => void;
}

/** Runs RUN steps in the v86 guest. */
export class V86Runner implements Runner {
  private readonly cacheMounts = new Map<string, DirNode>();
  /** What each RUN vertex added, changed or removed, by vertex id. */
  readonly changes = new Map<string, FileChange[]>();

  constructor(private readonly options: V86RunnerOptions) {}

  async run(
    request: RunRequest,
    onOutput: (stream: 1 | 2, data: string) => void,
  ): Promise<RunResult> {
    const support = guestSupport(request.platform);
    const platform = normalizedPlatform(request.platform) ?? request.platform;
    const interpreter =
      support === 'emulated'
        ? await this.options.emulator?.(platform)
        : undefined;
    if (support === undefined || (support === 'emulated' && !interpreter)) {
      throw new Error(
        `not executed in the browser: the guest is ${GUEST_PLATFORM} and this step is ${platform}`,
      );
    }
    const note = (message: string) =>
      this.options.onNote?.({ vertex: request.vertex, message });
    const { snapshots } = this.options;
    const root = snapshots.tree(request.rootfs);

    const user = resolveUser(root, request.user);
    const env =
      envValue(request.env, 'PATH') === undefined
        ? [DEFAULT_PATH, ...request.env]
        : [...request.env];
    const edits = request.devices.flatMap((d) => d.edits);
    const applied = applyCdiEdits(
      { process: { env, user: { ...user } } },
      edits.map((e) => ({ env: e.env, additionalGids: e.additionalGids })),
    );
    const error = applied.diagnostics.find((d) => d.severity === 'error');
    if (error) throw new Error(error.message);
    for (const message of unappliedEdits(edits)) note(message);
    if (request.network === 'host') {
      note('network=host: the browser guest has no network');
    }

    ensureDir(root, request.cwd, 0, 0);
    const restore = this.layMounts(request, root, note);
    const process = applied.spec.process!;
    const machine = await this.options.machine();
    if (interpreter) {
      await machine.registerEmulator(EMULATORS[platform]!, interpreter);
    }
    this.options.onProcessStart?.(request);
    const result = await machine.run(
      {
        args: request.args,
        env: process.env ?? env,
        cwd: request.cwd,
        uid: process.user?.uid ?? user.uid,
        gid: process.user?.gid ?? user.gid,
        additionalGids: process.user?.additionalGids ?? [],
      },
      root,
      onOutput,
    );
    for (const { mount } of request.mounts) {
      if (mount.type !== 'cache' || !mount.target) continue;
      const kept = lookup(result.root, mount.target, false)?.node;
      if (kept?.type === 'dir')
        this.cacheMounts.set(mount.id || mount.target, kept);
    }
    restore(root);
    restore(result.root);
    snapshots.setTree(request.rootfs, result.root);
    this.changes.set(
      request.vertex,
      result.changes.filter((c) => !mountedPath(request, c.path)),
    );
    return { exitCode: result.exitCode, env: process.env ?? env };
  }

  /**
   * Puts bind, cache and tmpfs mounts and inline files into the tree; returns
   * a function that puts back what was at each target.
   */
  private layMounts(
    request: RunRequest,
    root: DirNode,
    note: (message: string) => void,
  ): (tree: DirNode) => void {
    const saved: { target: string; node: TreeNode | undefined }[] = [];
    const place = (target: string, node: TreeNode) => {
      saved.push({ target, node: lookup(root, target, false)?.node });
      putNode(root, target, node);
    };
    for (const file of request.files) {
      place(file.path, {
        type: 'file',
        mode: file.mode ?? 0o644,
        uid: 0,
        gid: 0,
        mtime: 0,
        data: new TextEncoder().encode(file.content),
      });
    }
    for (const { mount, snapshot } of request.mounts) {
      const target = mount.target ?? '';
      if (pathParts(target).length === 0) {
        note(`--mount ${mount.raw}: not applied in the browser (no target)`);
        continue;
      }
      if (mount.type === 'tmpfs') place(target, emptyDir(0o1777));
      else if (mount.type === 'cache') {
        const id = mount.id || target;
        place(target, cloneTree(this.cacheMounts.get(id) ?? emptyDir()));
      } else if (mount.type === 'bind') {
        const from = snapshot
          ? this.options.snapshots.committedTree(snapshot)
          : undefined;
        const source = from
          ? lookup(from, mount.source ?? '/')?.node
          : undefined;
        if (!source) {
          note(
            `--mount ${mount.raw}: not applied in the browser (the build context is not available)`,
          );
          continue;
        }
        place(target, cloneTree(source));
      } else {
        if (mount.required) {
          throw new Error(
            `--mount ${mount.raw}: ${mount.type} mounts are not available in the browser`,
          );
        }
        note(
          `--mount ${mount.raw}: not applied in the browser (no ${mount.type} source)`,
        );
      }
    }
    return (tree: DirNode) => {
      for (const { target, node } of [...saved].reverse()) {
        if (node) putNode(tree, target, node);
        else removeNode(tree, target);
      }
    };
  }
}

/** Tells whether a changed path lies in a mount or an inline file. */
function mountedPath(request: RunRequest, path: string): boolean {
  const targets = [
    ...request.files.map((f) => f.path),
    ...request.mounts.map((m) => m.mount.target ?? ''),
  ].filter((t) => t !== '');
  return targets.some((t) => {
    const clean = `/${pathParts(t).join('/')}`;
    return path === clean || path.startsWith(`${clean}/`);
  });
}

/** Describes the CDI edits a browser cannot apply. */
export function unappliedEdits(edits: CdiContainerEdits[]): string[] {
  const out: string[] = [];
  for (const e of edits) {
    for (const d of e.deviceNodes ?? []) {
      out.push(
        `CDI device node ${d.path}: planned, not applied (no host devices in the browser)`,
      );
    }
    for (const m of e.mounts ?? []) {
      out.push(
        `CDI mount ${m.hostPath} -> ${m.containerPath}: planned, not applied (no host files in the browser)`,
      );
    }
    for (const h of e.hooks ?? []) {
      out.push(
        `CDI ${h.hookName} hook ${h.path}: planned, not applied (no OCI runtime in the browser)`,
      );
    }
    for (const n of e.netDevices ?? []) {
      out.push(
        `CDI network device ${n.hostInterfaceName}: planned, not applied`,
      );
    }
    if (e.intelRdt) out.push('CDI intelRdt settings: planned, not applied');
  }
  return out;
}
