// SSH agents from `--ssh ID[=SOCKET|KEY[,KEY...]]`, resolved with buildx's
// rules: no path means $SSH_AUTH_SOCK, a socket is used as it is, and key
// files are loaded into a private ssh-agent (Debian's openssh-client) that
// lives as long as the build.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { onExit, dropExitCleanup } from '../snapshot/exit-cleanup.ts';

/** One `--ssh` flag. */
export interface SshSpec {
  id: string;
  paths: string[];
}

/** The agent id BuildKit uses when a mount or flag names none. */
export const DEFAULT_SSH_ID = 'default';

/** Reads one `--ssh` value: `ID[=PATH[,PATH...]]`. */
export function parseSshSpec(value: string): SshSpec {
  const eq = value.indexOf('=');
  if (eq < 0) return { id: value, paths: [] };
  return { id: value.slice(0, eq), paths: value.slice(eq + 1).split(',') };
}

/** The agents a build may forward, by id. */
export class SshAgents {
  private constructor(
    private readonly sockets: Map<string, string>,
    private readonly owned: ChildProcess[],
    private readonly dirs: string[],
  ) {}

  /**
   * Resolves every spec to an agent socket, starting an ssh-agent for key
   * files; throws with buildx's text when a spec cannot be used.
   */
  static async start(
    specs: SshSpec[],
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<SshAgents> {
    const agents = new SshAgents(new Map(), [], []);
    try {
      for (const spec of specs) {
        const id = spec.id || DEFAULT_SSH_ID;
        if (agents.sockets.has(id)) {
          throw new Error(`duplicate agent ID ${JSON.stringify(id)}`);
        }
        const shown = `{${id} [${spec.paths.join(' ')}] false}`;
        try {
          agents.sockets.set(id, await agents.resolve(id, spec.paths, env));
        } catch (error) {
          const message = (error as Error).message;
          throw new Error(
            `failed to convert agent config ${shown}: ${message}`,
          );
        }
      }
    } catch (error) {
      agents.close();
      throw error;
    }
    return agents;
  }

  /** Creates the agents of `--ssh` flag values. */
  static fromFlags(
    values: string[],
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<SshAgents> {
    const specs = values.filter((v) => v !== '').map(parseSshSpec);
    return SshAgents.start(specs, env);
  }

  /** Reports whether any `--ssh` was given. */
  get size(): number {
    return this.sockets.size;
  }

  /** Returns the agent socket for an id, or undefined when none was given. */
  socketOf(id: string): string | undefined {
    return this.sockets.get(id || DEFAULT_SSH_ID);
  }

  /** Stops the agents this build started. */
  close(): void {
    for (const child of this.owned) child.kill();
    for (const dir of this.dirs)
      fs.rmSync(dir, { recursive: true, force: true });
    dropExitCleanup(this);
  }

  private async resolve(
    id: string,
    given: string[],
    env: NodeJS.ProcessEnv,
  ): Promise<string> {
    const paths = given.length === 1 && given[0] === '' ? [] : given;
    if (paths.length === 0) {
      const socket = env.SSH_AUTH_SOCK ?? '';
      if (socket === '') {
        throw new Error(
          'invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set',
        );
      }
      paths.push(socket);
    }
    const inner = `failed to convert agent config for ID: ${JSON.stringify(id)}`;
    const kinds = paths.map((p) => {
      try {
        return fs.statSync(p).isSocket() ? 'socket' : 'key';
      } catch {
        throw new Error(`${inner}: stat ${p}: no such file or directory`);
      }
    });
    const sockets = paths.filter((_, i) => kinds[i] === 'socket');
    if (sockets.length > 1)
      throw new Error(`${inner}: only single socket allowed`);
    if (sockets.length === 1 && paths.length > 1) {
      throw new Error(`${inner}: invalid combination of keys and sockets`);
    }
    if (sockets.length === 1) return sockets[0] as string;
    return this.startAgent(paths, inner);
  }

  /** Starts `ssh-agent -D` on a private socket and adds the key files. */
  private async startAgent(keys: string[], inner: string): Promise<string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-agent-'));
    this.dirs.push(dir);
    const socket = path.join(dir, 'agent.sock');
    const child = spawn('ssh-agent', ['-D', '-a', socket], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.owned.push(child);
    onExit(this, () => this.close());
    await waitForSocket(socket, child);
    // The agent must not keep this process alive; close() stops it.
    child.stderr?.destroy();
    child.unref();

    const added = spawnSync('ssh-add', ['-q', ...keys], {
      env: { PATH: process.env.PATH, SSH_AUTH_SOCK: socket },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    if (added.error || added.status !== 0) {
      const reason =
        added.error?.message ?? added.stderr.trim().split('\n').at(-1) ?? '';
      throw new Error(`${inner}: failed to add ${keys.join(', ')}: ${reason}`);
    }
    return socket;
  }
}

/** Waits until ssh-agent listens, or fails when it exits first. */
function waitForSocket(socket: string, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const timer = setInterval(() => {
      if (fs.existsSync(socket)) done(() => resolve());
    }, 10);
    const done = (finish: () => void) => {
      clearInterval(timer);
      child.off('exit', exited);
      child.off('error', failed);
      finish();
    };
    const exited = () =>
      done(() => reject(new Error(`ssh-agent exited: ${stderr.trim()}`)));
    const failed = (error: Error) =>
      done(() => reject(new Error(`cannot start ssh-agent: ${error.message}`)));
    child.once('exit', exited);
    child.once('error', failed);
  });
}
