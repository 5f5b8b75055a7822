// Runs one RUN step in its snapshot with an OCI runtime: builds the bundle's
// config (user, env, mounts, network, security mode, CDI edits), starts it,
// cleans up.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import {
  applyCdiEdits,
  type ActiveSnapshot,
  type OciMount,
  type OciSpec,
  type RunRequest,
  type RunResult,
  type Runner,
} from '../../../core/src/index.ts';
import type { Logger } from '../logger.ts';
import type { SlipwayPaths } from '../paths.ts';
import type { PrivateRoot } from '../snapshot/dir-snapshotter.ts';
import { resolveUser, type ResolvedUser } from '../snapshot/ownership.ts';
import { ensureDir } from '../snapshot/copy-files.ts';
import { resolveInRoot } from '../snapshot/root-path.ts';
import { onExit } from '../snapshot/exit-cleanup.ts';
import { ownedContainerId, removeAbandonedContainers } from './abandoned.ts';
import { emulationProblem, needsLinux32 } from './emulation.ts';
import { makeInsecure } from './insecure-spec.ts';
import { createDefaultSpec, hostDeviceLookup } from './oci-spec.ts';
import { OciRuntime } from './oci-runtime.ts';
import {
  knownStart,
  readRootFacts,
  writeRootFacts,
  type Stub,
} from './root-facts.ts';
import { planRunMounts } from './run-mounts.ts';
import type { HostRunRequest } from './session-runner.ts';

const DEFAULT_PATH =
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const HOSTS = `127.0.0.1\tlocalhost buildkitsandbox
::1\tlocalhost ip6-localhost ip6-loopback
`;

/** What the runner needs from the rest of the executor. */
export interface ContainerRunnerOptions {
  paths: SlipwayPaths;
  contextDir: string;
  /** Returns where a committed snapshot lives. */
  locate: (key: string) => string;
  /** The runtime to use; found on first use when absent. */
  runtime?: OciRuntime;
  /** Returns the overlay a runtime should mount itself, when it should. */
  privateRoot?: (active: ActiveSnapshot) => PrivateRoot | undefined;
  logger?: Logger;
}

/** Runs RUN steps with crun or runc. */
export class ContainerRunner implements Runner {
  private runtime?: OciRuntime;

  constructor(private readonly options: ContainerRunnerOptions) {
    this.runtime = options.runtime;
    removeAbandonedContainers(options.paths.run);
  }

  async run(
    request: RunRequest,
    onOutput: (stream: 1 | 2, data: string) => void,
  ): Promise<RunResult> {
    const problem = emulationProblem(request.platform);
    if (problem) throw new Error(problem);
    if (process.getuid?.() !== 0) {
      throw new Error(
        'running RUN steps needs root: rootless builds are not supported yet',
      );
    }
    this.runtime ??= OciRuntime.detect();

    const id = ownedContainerId(crypto.randomBytes(6).toString('hex'));
    const bundle = takeBundle(this.options.paths.run);
    // An overlay root not mounted here is mounted by the runtime's launcher
    // in its own namespace; this process reads it through /proc/PID/root.
    const privateRoot = this.options.privateRoot?.(request.rootfs);
    const rootfs = privateRoot?.overlay.target ?? request.rootfs.handle;
    const stubs: Stub[] = [];
    let env: string[] = [];
    try {
      const { name, hideUnifiedCgroup } = this.runtime.choice;
      this.options.logger?.debug(
        'runtime',
        `${name} run ${id} for ${request.platform}${hideUnifiedCgroup ? ' (cgroup2 mount hidden)' : ''}${privateRoot ? ' (overlay mounted privately)' : ''}: ${request.args.join(' ')}`,
      );
      // Host folders the mounts read are ready before the runtime's private
      // namespace is made; only what depends on the root waits for it.
      const spec = this.buildSpec(request, bundle, rootfs);
      const checked = (spec.mounts ?? [])
        .map((mount) => mount.destination)
        .filter((dest) => !/^\/(dev|proc|sys)\//.test(dest));
      const config = path.join(bundle, 'config.json');
      const facts = privateRoot?.factsFile
        ? readRootFacts(privateRoot.factsFile)
        : undefined;
      const known =
        facts && knownStart(facts, request.user, request.cwd, checked);
      if (known) {
        // The root's user and folders are known: no need to look at it.
        setUser(spec, known.user);
        stubs.push(...known.stubs);
        env = spec.process?.env ?? [];
        fs.writeFileSync(config, JSON.stringify(spec));
      }
      const exitCode = await this.runtime.run(bundle, id, onOutput, {
        overlay: privateRoot?.overlay,
        prepare: known
          ? undefined
          : (prefix) => {
              const view = prefix + rootfs;
              const user = resolveUser(view, request.user);
              if (facts) facts.users[request.user] = user;
              setUser(spec, user);
              const hadCwd = isDir(view, request.cwd);
              if (facts) facts.dirs[request.cwd] = hadCwd;
              ensureDir(view, request.cwd);
              for (const dest of checked) {
                const missing = missingRoot(view, dest);
                const stub = missing && stubOf(view, missing);
                // A working folder made just now is not the parent's: what
                // is missing under it was missing higher up in the parent.
                if (facts && hadCwd) facts.paths[dest] = stub || true;
                if (stub && !stubs.some((s) => s.path === stub.path)) {
                  stubs.push(stub);
                }
              }
              env = spec.process?.env ?? [];
              fs.writeFileSync(config, JSON.stringify(spec));
            },
      });
      if (facts && !known && privateRoot?.factsFile) {
        writeRootFacts(privateRoot.factsFile, facts);
      }
      return { exitCode, env };
    } finally {
      // The runtime's mount is gone now: stubs are removed from the upper.
      removeStubs(privateRoot?.upper ?? rootfs, stubs);
      privateRoot?.release();
      giveBundle(this.options.paths.run, bundle);
    }
  }

  /** Builds the config without reading the root; the user comes later. */
  private buildSpec(
    request: RunRequest,
    bundle: string,
    rootfs: string,
  ): OciSpec {
    const env = request.env.some((e) => e.startsWith('PATH='))
      ? request.env
      : [DEFAULT_PATH, ...request.env];
    const spec = createDefaultSpec(rootfs);
    spec.process = {
      ...spec.process,
      args: request.args,
      env,
      cwd: request.cwd,
      user: { uid: 0, gid: 0 },
    };
    const linux = spec.linux ?? {};
    if (request.network !== 'none') {
      linux.namespaces = linux.namespaces?.filter((n) => n.type !== 'network');
    }
    if (needsLinux32(request.platform))
      linux.personality = { domain: 'LINUX32' };
    spec.linux = linux;

    const mounts: OciMount[] = [...(spec.mounts ?? [])];
    mounts.push(bindFile(path.join(bundle, 'hosts'), '/etc/hosts'));
    if (request.network !== 'none' && fs.existsSync('/etc/resolv.conf')) {
      mounts.push(bindFile('/etc/resolv.conf', '/etc/resolv.conf'));
    }
    request.files.forEach((file, i) => {
      const host = path.join(bundle, `inline-${i}`);
      fs.writeFileSync(host, file.content, { mode: file.mode ?? 0o644 });
      fs.chmodSync(host, file.mode ?? 0o644);
      mounts.push(bindFile(host, file.path));
    });
    mounts.push(
      ...planRunMounts(request.mounts, {
        bundle,
        contextDir: this.options.contextDir,
        cacheDir: this.options.paths.cacheMounts,
        locate: this.options.locate,
      }),
    );
    // Secret files and agent sockets (session-runner.ts).
    mounts.push(...((request as HostRunRequest).hostMounts ?? []));
    spec.mounts = mounts;
    if (request.security === 'insecure') makeInsecure(spec);

    const edits = request.devices.flatMap((d) => d.edits);
    if (edits.length === 0) return spec;
    const applied = applyCdiEdits(spec, edits, hostDeviceLookup);
    const error = applied.diagnostics.find((d) => d.severity === 'error');
    if (error) throw new Error(error.message);
    return applied.spec;
  }
}

/** Sets the process's user; groups CDI edits added stay after the user's own. */
function setUser(spec: OciSpec, user: ResolvedUser): void {
  const process = (spec.process ??= {});
  const gids = [...user.additionalGids];
  for (const gid of process.user?.additionalGids ?? []) {
    if (!gids.includes(gid)) gids.push(gid);
  }
  process.user = {
    uid: user.uid,
    gid: user.gid,
    ...(gids.length > 0 ? { additionalGids: gids } : {}),
  };
}

// Bundle folders (each with its hosts file) free for the next step, per run
// folder: a folder made or removed costs more than the rest of a step's
// bookkeeping on a slow disk. This process removes them when it exits.
const freeBundles = new Map<string, string[]>();
const madeBundles = new Set<string>();

/** Returns a bundle folder holding the hosts file, reused between steps. */
function takeBundle(runDir: string): string {
  const free = freeBundles.get(runDir)?.pop();
  if (free) return free;
  const name = ownedContainerId(crypto.randomBytes(6).toString('hex'));
  const bundle = path.join(runDir, name);
  fs.mkdirSync(bundle, { recursive: true });
  fs.writeFileSync(path.join(bundle, 'hosts'), HOSTS);
  if (madeBundles.size === 0) onExit(madeBundles, removeBundles);
  madeBundles.add(bundle);
  return bundle;
}

/** Keeps a bundle for the next step unless the step left files in it. */
function giveBundle(runDir: string, bundle: string): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(bundle);
  } catch {
    // Removed on a signal: nothing to keep.
  }
  const clean =
    names.includes('hosts') &&
    names.every((name) => name === 'hosts' || name === 'config.json');
  if (clean) {
    const list = freeBundles.get(runDir) ?? [];
    list.push(bundle);
    freeBundles.set(runDir, list);
    return;
  }
  fs.rmSync(bundle, { recursive: true, force: true });
  madeBundles.delete(bundle);
}

function removeBundles(): void {
  for (const bundle of madeBundles) {
    fs.rmSync(bundle, { recursive: true, force: true });
  }
  madeBundles.clear();
  freeBundles.clear();
}

function bindFile(source: string, destination: string): OciMount {
  return {
    destination,
    type: 'bind',
    source,
    options: ['rbind', 'ro', 'nosuid', 'nodev'],
  };
}

/** Tells whether `dir` is a folder in the root (symlinks followed). */
function isDir(rootfs: string, dir: string): boolean {
  try {
    return fs.statSync(resolveInRoot(rootfs, dir)).isDirectory();
  } catch {
    return false;
  }
}

/** Returns the first missing part of `dest` in the root, if any is missing. */
function missingRoot(rootfs: string, dest: string): string | undefined {
  let current = '/';
  for (const part of dest.split('/').filter((p) => p !== '')) {
    current = path.posix.join(current, part);
    // A symlink is there even when its target means nothing on this host.
    const host = resolveInRoot(rootfs, current, false);
    if (!fs.lstatSync(host, { throwIfNoEntry: false })) return current;
  }
  return undefined;
}

function stubOf(root: string, stub: string): Stub {
  const inRoot = (p: string) => path.relative(root, p);
  return {
    path: stub,
    host: inRoot(resolveInRoot(root, stub, false)),
    parent: inRoot(resolveInRoot(root, path.posix.dirname(stub))),
  };
}

/**
 * Removes the empty files and folders the runtime made as mount points, so
 * they do not end up in the snapshot, and gives their folder back the time
 * it had just before (BuildKit does both). `root` is the step's root, or its
 * overlay's upper folder: a stub was missing before, so it lies there.
 */
function removeStubs(root: string, stubs: Stub[]): void {
  for (const stub of stubs) {
    const host = path.join(root, stub.host);
    const parent = path.join(root, stub.parent);
    if (!onlyStubs(host)) continue;
    let mtimeNs: bigint | undefined;
    try {
      mtimeNs = fs.statSync(parent, { bigint: true }).mtimeNs;
    } catch {
      mtimeNs = undefined;
    }
    fs.rmSync(host, { recursive: true, force: true });
    if (mtimeNs !== undefined) restoreMtime(parent, mtimeNs);
  }
}

/** Sets a folder's mtime (to the tenth of a microsecond; tar keeps seconds). */
function restoreMtime(dir: string, mtimeNs: bigint): void {
  try {
    const current = fs.statSync(dir);
    fs.utimesSync(dir, current.atime, Number(mtimeNs) / 1e9);
  } catch {
    // A folder the step removed has no time to restore.
  }
}

function onlyStubs(host: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(host);
  } catch {
    return false;
  }
  if (st.isFile()) return st.size === 0;
  if (!st.isDirectory()) return false;
  return fs.readdirSync(host).every((name) => onlyStubs(path.join(host, name)));
}
