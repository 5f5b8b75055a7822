// Turns `RUN --mount` flags into OCI mounts: binds from the context or another
// snapshot, persistent cache folders and tmpfs. Secrets and SSH agents come
// from the build session (session-mounts.ts).

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { OciMount, ResolvedRunMount } from '../../../core/src/index.ts';
import { resolveInRoot } from '../snapshot/root-path.ts';

/** Where mount sources come from. */
export interface MountContext {
  /** The container's bundle folder, for private copies. */
  bundle: string;
  contextDir: string;
  /** Root of the persistent cache mounts. */
  cacheDir: string;
  locate: (key: string) => string;
}

/** Returns the OCI mounts for a step's `--mount` flags. */
export function planRunMounts(
  mounts: ResolvedRunMount[],
  context: MountContext,
): OciMount[] {
  const out: OciMount[] = [];
  mounts.forEach(({ mount, snapshot }, i) => {
    const target = mount.target;
    if (!target) return;
    const root = snapshot ? context.locate(snapshot) : context.contextDir;

    if (mount.type === 'tmpfs') {
      const size = mount.size ? [`size=${mount.size}`] : [];
      out.push({
        destination: target,
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'nodev', ...size],
      });
    } else if (mount.type === 'bind') {
      let source = resolveInRoot(root, mount.source ?? '/');
      if (!fs.existsSync(source)) {
        throw new Error(
          `failed to mount ${target}: "${mount.source ?? '/'}" not found`,
        );
      }
      const readonly = mount.readonly ?? true;
      if (!readonly) {
        // Writes to a read-write bind are thrown away, so use a copy.
        const copy = path.join(context.bundle, `mount-${i}`);
        execFileSync('cp', ['-a', '--reflink=auto', source, copy]);
        source = copy;
      }
      out.push(bind(source, target, readonly));
    } else if (mount.type === 'cache') {
      const source = cacheFolder(
        context,
        mount.id ?? target,
        mount,
        root,
        snapshot,
      );
      out.push(bind(source, target, mount.readonly ?? false));
    }
    // Secret and SSH mounts come from the build session (session-mounts.ts).
  });
  return out;
}

function bind(
  source: string,
  destination: string,
  readonly: boolean,
): OciMount {
  return {
    destination,
    type: 'bind',
    source,
    options: ['rbind', readonly ? 'ro' : 'rw'],
  };
}

/** Returns the persistent folder of a cache mount, creating and seeding it. */
function cacheFolder(
  context: MountContext,
  id: string,
  mount: ResolvedRunMount['mount'],
  root: string,
  snapshot: string | undefined,
): string {
  const name = crypto
    .createHash('sha256')
    .update(id)
    .digest('hex')
    .slice(0, 32);
  const dir = path.join(context.cacheDir, name);
  if (fs.existsSync(dir)) return dir;

  const partial = `${dir}.tmp-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  if (snapshot) {
    const from = resolveInRoot(root, mount.source ?? '/');
    execFileSync('cp', ['-a', '--reflink=auto', from, partial]);
  } else {
    fs.mkdirSync(partial, { recursive: true });
    fs.chmodSync(partial, mount.mode ? parseInt(mount.mode, 8) : 0o755);
    fs.chownSync(partial, Number(mount.uid ?? 0), Number(mount.gid ?? 0));
  }
  fs.renameSync(partial, dir);
  return dir;
}
