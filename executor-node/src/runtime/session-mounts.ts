// `RUN --mount=type=secret` and `type=ssh`: secret files written to memory
// (tmpfs) and bound read-only, secret env vars, and read-only agent sockets;
// all of it exists only while the step runs and never enters a snapshot.

import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { OciMount, ResolvedRunMount } from '../../../core/src/index.ts';
import { startAgentProxy, type AgentProxy } from '../session/agent-proxy.ts';
import type { BuildSession } from '../session/build-session.ts';
import { DEFAULT_SSH_ID } from '../session/ssh-agents.ts';
import { dropExitCleanup, onExit } from '../snapshot/exit-cleanup.ts';

/** What a step's secret and SSH mounts add to its container. */
export interface SessionMounts {
  mounts: OciMount[];
  /** `NAME=value` entries for `env=` secrets, appended to the process env. */
  env: string[];
  /** Removes the secret files and stops the agent sockets. */
  release(): Promise<void>;
}

/** Prepares a step's secret and SSH mounts; throws BuildKit's errors. */
export async function prepareSessionMounts(
  mounts: ResolvedRunMount[],
  session: BuildSession = {},
): Promise<SessionMounts> {
  const out: SessionMounts = { mounts: [], env: [], release: async () => {} };
  const secrets = mounts.filter(({ mount }) => mount.type === 'secret');
  const agents = mounts.filter(({ mount }) => mount.type === 'ssh');
  if (secrets.length === 0 && agents.length === 0) return out;

  const owner = {};
  let dir: string | undefined;
  const proxies: AgentProxy[] = [];
  out.release = async () => {
    await Promise.all(proxies.map((p) => p.close()));
    if (dir) removeSecretDir(dir);
    dropExitCleanup(owner);
  };
  onExit(owner, () => {
    if (dir) removeSecretDir(dir);
  });
  try {
    for (const { mount } of secrets) {
      const id = mount.id ?? '';
      const value = session.secrets?.get(id);
      if (value === undefined && mount.required) {
        throw new Error(`secret ${id}: not found`);
      }
      if (mount.env !== undefined) {
        out.env.push(`${mount.env}=${value?.toString('utf8') ?? ''}`);
      }
      if (value === undefined || !mount.target) continue;
      dir ??= createSecretDir();
      out.mounts.push(writeSecret(dir, value, mount.target, mount));
    }
    for (const { mount } of agents) {
      const socket = agentSocket(session, mount.id, mount.required === true);
      if (!socket || !mount.target) continue;
      dir ??= createSecretDir();
      const proxy = await startAgentProxy(
        socket,
        path.join(dir, `agent-${proxies.length}.sock`),
        ownership(mount, 0o600),
      );
      proxies.push(proxy);
      out.mounts.push({
        destination: mount.target,
        type: 'bind',
        source: proxy.path,
        options: ['rbind'],
      });
    }
  } catch (error) {
    await out.release();
    throw error;
  }
  return out;
}

/** Finds the agent a mount forwards; undefined skips an optional one. */
function agentSocket(
  session: BuildSession,
  id: string | undefined,
  required: boolean,
): string | undefined {
  const agents = session.ssh;
  if (!agents || agents.size === 0) {
    if (!required) return undefined;
    throw new Error(
      `no SSH key ${JSON.stringify(id ?? '')} forwarded from the client`,
    );
  }
  const socket = agents.socketOf(id ?? DEFAULT_SSH_ID);
  if (socket || !required) return socket;
  throw new Error(`unset ssh forward key ${id || DEFAULT_SSH_ID}`);
}

function writeSecret(
  dir: string,
  value: Buffer,
  target: string,
  mount: ResolvedRunMount['mount'],
): OciMount {
  const access = ownership(mount, 0o400);
  const file = path.join(dir, crypto.randomBytes(12).toString('hex'));
  fs.writeFileSync(file, value, { mode: 0o600 });
  fs.chownSync(file, access.uid, access.gid);
  fs.chmodSync(file, access.mode & 0o777);
  const noexec = (access.mode & 0o111) === 0 ? ['noexec'] : [];
  return {
    destination: target,
    type: 'bind',
    source: file,
    options: ['rbind', 'ro', 'nodev', 'nosuid', ...noexec],
  };
}

function ownership(
  mount: ResolvedRunMount['mount'],
  defaultMode: number,
): { uid: number; gid: number; mode: number } {
  return {
    uid: Number(mount.uid ?? 0),
    gid: Number(mount.gid ?? 0),
    mode: mount.mode === undefined ? defaultMode : parseInt(mount.mode, 8),
  };
}

/**
 * Makes a private folder in memory: under /dev/shm when it is a tmpfs, else
 * on a tmpfs mounted for the step, so secrets never touch a disk.
 */
function createSecretDir(): string {
  if (isTmpfs('/dev/shm')) {
    const dir = fs.mkdtempSync('/dev/shm/slipway-secrets-');
    fs.chmodSync(dir, 0o711);
    return dir;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-secrets-'));
  execFileSync('mount', [
    '-t',
    'tmpfs',
    '-o',
    'nodev,nosuid,mode=0711,size=16m',
    'tmpfs',
    dir,
  ]);
  return dir;
}

function removeSecretDir(dir: string): void {
  if (isMountPoint(dir)) execFileSync('umount', [dir]);
  fs.rmSync(dir, { recursive: true, force: true });
}

function isTmpfs(dir: string): boolean {
  return mountLines().some(
    ([point, type]) => point === dir && type === 'tmpfs',
  );
}

function isMountPoint(dir: string): boolean {
  return mountLines().some(([point]) => point === dir);
}

function mountLines(): [string, string][] {
  try {
    return fs
      .readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .map(([, point, type]) => [point ?? '', type ?? '']);
  } catch {
    return [];
  }
}
