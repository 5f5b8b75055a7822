// Starts OCI bundles with crun (preferred) or runc. On hosts with hybrid
// cgroups crun refuses to start unless the cgroup2 mount is hidden from it.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** Which runtime binary runs containers, and how. */
export interface RuntimeChoice {
  name: 'crun' | 'runc';
  path: string;
  /** Start it in a private mount namespace without /sys/fs/cgroup/unified. */
  hideUnifiedCgroup: boolean;
  /** Where the runtime keeps container state. */
  stateDir: string;
}

const UNIFIED = '/sys/fs/cgroup/unified';

/** Runtimes found so far, by the preference asked for: a lookup per process. */
const detected = new Map<string, OciRuntime>();
const UNSHARE = fs.existsSync('/usr/bin/unshare')
  ? '/usr/bin/unshare'
  : 'unshare';

/** Runs containers from bundles with one runtime. */
export class OciRuntime {
  constructor(readonly choice: RuntimeChoice) {}

  /**
   * Picks crun, else runc (or `preferred`); throws with an install hint when
   * neither is found.
   */
  static detect(preferred = process.env.SLIPWAY_RUNTIME): OciRuntime {
    const key = preferred ?? '';
    let found = detected.get(key);
    if (!found) {
      found = OciRuntime.find(preferred);
      detected.set(key, found);
    }
    return found;
  }

  private static find(preferred: string | undefined): OciRuntime {
    const names: ('crun' | 'runc')[] =
      preferred === 'runc'
        ? ['runc']
        : preferred === 'crun'
          ? ['crun']
          : ['crun', 'runc'];
    for (const name of names) {
      const found = findExecutable(name);
      if (!found) continue;
      return new OciRuntime({
        name,
        path: found,
        hideUnifiedCgroup: name === 'crun' && hasHybridCgroups(),
        stateDir: `/run/slipway/${name}`,
      });
    }
    throw new Error(
      `no OCI runtime found: install crun or runc (apt-get install crun)`,
    );
  }

  /**
   * Runs the bundle to completion and returns the process's exit code.
   * With `overlay`, the runtime starts in a private mount namespace where the
   * overlay is mounted first; it vanishes with that namespace, so no umount
   * is needed and an interrupted step leaves no mount behind. `prepare` runs
   * before the runtime starts (once the overlay is mounted) and gets the
   * prefix under which this process sees that namespace's files.
   */
  async run(
    bundle: string,
    id: string,
    onOutput: (stream: 1 | 2, data: string) => void,
    options: RunOptions = {},
  ): Promise<number> {
    const { choice } = this;
    const runtimeArgs = [
      choice.path,
      '--root',
      choice.stateDir,
      'run',
      '--bundle',
      bundle,
      id,
    ];
    if (!options.overlay && !choice.hideUnifiedCgroup) {
      await options.prepare?.('');
      return this.spawnRuntime(runtimeArgs, id, bundle, onOutput);
    }
    if (!options.overlay) await options.prepare?.('');
    // The launcher says `ready` on fd 3 once the overlay is mounted. With
    // `prepare` it then waits for `go` on stdin before it becomes the
    // runtime; without, it goes on at once.
    const wait = options.prepare !== undefined;
    const launch = launcher({
      hideUnified: choice.hideUnifiedCgroup,
      overlay: options.overlay,
      wait,
    });
    const child = spawn(launch.command, [...launch.args, ...runtimeArgs], {
      cwd: options.overlay?.cwd,
      stdio: options.overlay
        ? [wait ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe']
        : ['ignore', 'pipe', 'pipe'],
    });
    track(id, { choice, bundle });
    if (!options.overlay) return collect(child, onOutput, () => untrack(id));
    // Until `ready`, stderr is the mount's, kept for the error below; a
    // launcher that does not wait may write the step's own output before
    // `ready` is read, which goes on once it is.
    launching.add(child);
    const mounted = waitReady(child);
    const exited = collect(child, onOutput, () => untrack(id));
    if (!wait) {
      const code = await exited;
      if (!(await mounted)) {
        throw new Error(
          `failed to mount the step's root: ${launchError(child)}`,
        );
      }
      return code;
    }

    const ready = await mounted;
    if (!ready) {
      await exited.catch(() => 0);
      throw new Error(`failed to mount the step's root: ${launchError(child)}`);
    }
    try {
      await options.prepare?.(`/proc/${child.pid}/root`);
    } catch (error) {
      child.stdin?.end();
      await exited.catch(() => 0);
      throw error;
    }
    child.stdin?.end('go\n');
    return exited;
  }

  private spawnRuntime(
    argv: string[],
    id: string,
    bundle: string,
    onOutput: (stream: 1 | 2, data: string) => void,
  ): Promise<number> {
    const [command, ...args] = argv;
    const child = spawn(command as string, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track(id, { choice: this.choice, bundle });
    return collect(child, onOutput, () => untrack(id));
  }
}

/** What a run may do before the runtime starts. */
export interface RunOptions {
  /** Mount this overlay in the runtime's own mount namespace first. */
  overlay?: PrivateOverlay;
  /** Writes the bundle's config; `rootPrefix` leads to the mounted root. */
  prepare?: (rootPrefix: string) => void | Promise<void>;
}

/** An overlay mount for the launcher: options relative to `cwd`. */
export interface PrivateOverlay {
  /** The mount options (`lowerdir=...,upperdir=...,workdir=...`). */
  options: string;
  /** The absolute mount point. */
  target: string;
  cwd: string;
}

/**
 * The command that starts a runtime in a private mount namespace, where it
 * hides cgroup2 and mounts the overlay, then replaces itself with the
 * runtime: slipway-launch (launch/slipway-launch.c, one process) where it
 * was compiled, else a shell script run by unshare. busybox's shell runs
 * umount as a built-in applet, which saves a process; any POSIX shell works.
 */
function launcher(plan: {
  hideUnified: boolean;
  overlay?: PrivateOverlay;
  wait: boolean;
}): {
  command: string;
  args: string[];
} {
  const compiled = compiledLauncher();
  if (compiled) {
    const args = plan.hideUnified ? ['--hide', UNIFIED] : [];
    if (plan.overlay) {
      args.push('--overlay', plan.overlay.options, plan.overlay.target);
      if (plan.wait) args.push('--wait');
    }
    return { command: compiled, args: [...args, '--'] };
  }
  const script: string[] = [];
  const params: string[] = [];
  if (plan.hideUnified) script.push(`umount ${UNIFIED} || exit 125`);
  if (plan.overlay) {
    script.push(
      'mount -t overlay overlay -o "$1" "$2" || exit 125',
      'shift 2',
      'echo ready >&3',
      'exec 3>&-',
    );
    if (plan.wait) {
      script.push('read -r go || exit 125', '[ "$go" = go ] || exit 125');
    }
    params.push(plan.overlay.options, plan.overlay.target);
  }
  script.push('exec "$@" </dev/null 3>&-');
  const shell = fastShell();
  return {
    command: UNSHARE,
    args: [
      '-m',
      '--propagation',
      'private',
      ...shell,
      '-c',
      script.join('\n'),
      'sh',
      ...params,
    ],
  };
}

let compiled: string | null | undefined;

/** Names the program that starts RUN steps here: slipway-launch or sh. */
export function stepLauncher(): string {
  return compiledLauncher() ? 'slipway-launch' : 'sh';
}

/**
 * Returns slipway-launch as scripts/build-cli.mjs left it in
 * executor-node/dist, or null; SLIPWAY_LAUNCHER=sh always picks the shell.
 */
function compiledLauncher(): string | null {
  compiled ??= (() => {
    if (process.env.SLIPWAY_LAUNCHER === 'sh') return null;
    // The bundle runs from executor-node/dist, the sources from src/runtime.
    const here =
      typeof __dirname === 'string' ? __dirname : import.meta.dirname;
    const dirs = [here, path.join(here, '../../dist')];
    return executableIn(dirs, 'slipway-launch') ?? null;
  })();
  return compiled;
}

let shell: string[] | undefined;

/** Returns busybox's shell when this host has busybox, else `sh`. */
function fastShell(): string[] {
  shell ??= (() => {
    const busybox = findExecutable('busybox');
    return busybox ? [busybox, 'sh'] : [findExecutable('sh') ?? 'sh'];
  })();
  return shell;
}

/** Streams a child's output, resolving with its exit code (128+N on signal N). */
function collect(
  child: ChildProcess,
  onOutput: (stream: 1 | 2, data: string) => void,
  done: () => void,
): Promise<number> {
  for (const [stream, pipe] of [
    [1, child.stdout],
    [2, child.stderr],
  ] as const) {
    const decoder = new StringDecoder('utf8');
    let ended = false;
    const write = (chunk: Buffer) => {
      const text = decoder.write(chunk);
      if (text) onOutput(stream, text);
    };
    const end = () => {
      const rest = decoder.end();
      if (rest) onOutput(stream, rest);
    };
    if (stream === 2) {
      // Once the launcher is ready, what it held back is the step's.
      releaseHeld.set(child, () => {
        for (const chunk of launchErrors.get(child)?.splice(0) ?? []) {
          write(chunk);
        }
        if (ended) end();
      });
    }
    pipe?.on('data', (chunk: Buffer) => {
      if (launching.has(child) && stream === 2) {
        const held = launchErrors.get(child) ?? [];
        launchErrors.set(child, [...held, chunk]);
        return;
      }
      write(chunk);
    });
    pipe?.on('end', () => {
      ended = true;
      if (!launching.has(child) || stream !== 2) end();
    });
  }
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      done();
      reject(error);
    });
    child.on('close', (code, signal) => {
      done();
      if (code !== null) resolve(code);
      else resolve(128 + signalNumber(signal));
    });
  });
}

// Launchers that have not said `ready` yet, what they wrote to stderr, and
// how that goes on to the step's output once they have.
const launching = new WeakSet<ChildProcess>();
const launchErrors = new WeakMap<ChildProcess, Buffer[]>();
const releaseHeld = new WeakMap<ChildProcess, () => void>();

/** Waits for the launcher's `ready`; false when it ended without one. */
function waitReady(child: ChildProcess): Promise<boolean> {
  const control = child.stdio[3] as NodeJS.ReadableStream | null;
  return new Promise((resolve) => {
    if (!control) return resolve(false);
    let text = '';
    control.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('ready\n') && launching.has(child)) {
        launching.delete(child);
        releaseHeld.get(child)?.();
        resolve(true);
      }
    });
    control.on('end', () => resolve(text.includes('ready\n')));
    control.on('error', () => resolve(false));
  });
}

function launchError(child: ChildProcess): string {
  const text = Buffer.concat(launchErrors.get(child) ?? [])
    .toString()
    .trim();
  return text === '' ? 'the launcher exited' : text;
}

// Containers running now. A runtime started in the foreground does not stop
// its container when it gets Ctrl+C (the container's init ignores SIGINT),
// so without this the step would run on after the build has died.
const running = new Map<string, { choice: RuntimeChoice; bundle: string }>();
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function track(id: string, entry: { choice: RuntimeChoice; bundle: string }) {
  if (running.size === 0) {
    for (const signal of STOP_SIGNALS) process.on(signal, stopAll);
  }
  running.set(id, entry);
}

function untrack(id: string) {
  running.delete(id);
  if (running.size === 0) {
    for (const signal of STOP_SIGNALS) process.off(signal, stopAll);
  }
}

/** Kills every running container, then dies of the same signal. */
function stopAll(signal: NodeJS.Signals) {
  for (const [id, { choice, bundle }] of running) {
    spawnSync(choice.path, ['--root', choice.stateDir, 'kill', id, 'KILL'], {
      stdio: 'ignore',
    });
    fs.rmSync(bundle, { recursive: true, force: true });
  }
  running.clear();
  for (const stop of STOP_SIGNALS) process.off(stop, stopAll);
  process.kill(process.pid, signal);
}

/**
 * Reports a v1 + v2 hybrid layout whose cgroup2 mount still owns
 * controllers: crun then fails with "cgroups in hybrid mode not supported".
 */
export function hasHybridCgroups(): boolean {
  let mountinfo = '';
  try {
    mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return false;
  }
  const unified = mountinfo
    .split('\n')
    .some(
      (line) => line.split(' ')[4] === UNIFIED && line.includes(' - cgroup2 '),
    );
  if (!unified) return false;
  try {
    return (
      fs.readFileSync(`${UNIFIED}/cgroup.controllers`, 'utf8').trim() !== ''
    );
  } catch {
    return false;
  }
}

function findExecutable(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/sbin', '/sbin', '/usr/bin']);
  return executableIn(dirs, name);
}

/** Returns the first executable `name` in `dirs`, skipping empty entries. */
function executableIn(dirs: string[], name: string): string | undefined {
  for (const dir of dirs) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      continue;
    }
  }
  return undefined;
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGKILL: 9,
    SIGSEGV: 11,
    SIGPIPE: 13,
    SIGTERM: 15,
  };
  return (signal && numbers[signal]) ?? 0;
}
