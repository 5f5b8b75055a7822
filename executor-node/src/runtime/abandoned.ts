// Containers and bundles a killed build left behind: ids carry the pid of the
// build that started them, so a later build can tell which owners are gone,
// stop those containers and delete their runtime state.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { isAlive } from '../snapshot/snapshot-layout.ts';
import { hasHybridCgroups } from './oci-runtime.ts';

/** Where the runtimes keep Slipway's container state. */
export const STATE_ROOT = '/run/slipway';

const OWNED_ID = /^slipway-(\d+)-[0-9a-f]+$/;

/** Returns a new container id that names this process as its owner. */
export function ownedContainerId(random: string): string {
  return `slipway-${process.pid}-${random}`;
}

/** Deletes containers and bundle folders whose build process is gone. */
export function removeAbandonedContainers(bundles: string): void {
  for (const name of ['crun', 'runc'] as const) {
    const stateDir = path.join(STATE_ROOT, name);
    for (const id of abandoned(stateDir)) deleteContainer(name, stateDir, id);
  }
  for (const id of abandoned(bundles)) {
    fs.rmSync(path.join(bundles, id), { recursive: true, force: true });
  }
}

function abandoned(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    const owner = OWNED_ID.exec(name)?.[1];
    return owner !== undefined && !isAlive(Number(owner));
  });
}

/** `<runtime> delete --force`: kills the container if it still runs. */
function deleteContainer(
  name: 'crun' | 'runc',
  stateDir: string,
  id: string,
): void {
  const args = ['--root', stateDir, 'delete', '--force', id];
  // crun refuses to touch cgroups on hybrid hosts unless cgroup2 is hidden.
  const command =
    name === 'crun' && hasHybridCgroups()
      ? [
          'unshare',
          '-m',
          '--propagation',
          'private',
          'sh',
          '-c',
          'umount /sys/fs/cgroup/unified && exec "$@"',
          'sh',
          name,
          ...args,
        ]
      : [name, ...args];
  const env = {
    ...process.env,
    PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/usr/bin`,
  };
  const result = spawnSync(command[0] as string, command.slice(1), {
    stdio: 'ignore',
    env,
  });
  if (result.status !== 0) {
    // Without the runtime (or with state it cannot read) drop the state.
    fs.rmSync(path.join(stateDir, id), { recursive: true, force: true });
  }
}
