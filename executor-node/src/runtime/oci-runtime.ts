// Starts OCI bundles with crun (preferred) or runc. On hosts with hybrid
// cgroups crun refuses to start unless the cgroup2 mount is hidden from it.

import { spawn, spawnSync } from 'node:child_process';
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

/** Runs containers from bundles with one runtime. */
export class OciRuntime {
  constructor(readonly choice: RuntimeChoice) {}

  /**
   * Picks crun, else runc (or `preferred`); throws with an install hint when
   * neither is found.
   */
  static detect(preferred = process.env.SLIPWAY_RUNTIME): OciRuntime {
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

  /** Runs the bundle to completion and returns the process's exit code. */
  run(
    bundle: string,
    id: string,
    onOutput: (stream: 1 | 2, data: string) => void,
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
    const [command, ...args] = choice.hideUnifiedCgroup
      ? [
          'unshare',
          '-m',
          '--propagation',
          'private',
          'sh',
          '-c',
          `umount ${UNIFIED} && exec "$@"`,
          'sh',
          ...runtimeArgs,
        ]
      : runtimeArgs;

    return new Promise((resolve, reject) => {
      const child = spawn(command as string, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      track(id, { choice, bundle });
      for (const [stream, pipe] of [
        [1, child.stdout],
        [2, child.stderr],
      ] as const) {
        const decoder = new StringDecoder('utf8');
        pipe.on('data', (chunk: Buffer) => {
          const text = decoder.write(chunk);
          if (text) onOutput(stream, text);
        });
        pipe.on('end', () => {
          const rest = decoder.end();
          if (rest) onOutput(stream, rest);
        });
      }
      child.on('error', (error) => {
        untrack(id);
        reject(error);
      });
      child.on('close', (code, signal) => {
        untrack(id);
        if (code !== null) resolve(code);
        else resolve(128 + signalNumber(signal));
      });
    });
  }
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
