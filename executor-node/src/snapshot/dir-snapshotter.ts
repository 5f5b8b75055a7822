// Snapshots as plain folders, one per cache key: a new one starts as a copy of
// its parent in a work folder and is renamed into place only when complete.

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import type {
  ActiveSnapshot,
  CopyRequest,
  SnapshotCopySource,
  Snapshotter,
} from '../../../core/src/index.ts';
import { keyFileName } from '../paths.ts';
import { copyFiles, ensureDir } from './copy-files.ts';
import { resolveUser } from './ownership.ts';

const run = promisify(execFile);

/** Keeps committed snapshots under `dir/<key>` and work in `dir/.work`. */
export class DirSnapshotter implements Snapshotter {
  private readonly work: string;

  constructor(readonly dir: string) {
    this.work = path.join(dir, '.work');
    fs.mkdirSync(this.work, { recursive: true });
    removeAbandoned(this.work);
  }

  async has(key: string): Promise<boolean> {
    return fs.existsSync(this.locate(key));
  }

  locate(key: string): string {
    return path.join(this.dir, keyFileName(key));
  }

  async prepare(key: string, parent?: string): Promise<ActiveSnapshot> {
    const name = `${keyFileName(key).slice(0, 16)}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
    const handle = path.join(this.work, name);
    if (parent === undefined) {
      fs.mkdirSync(handle, { mode: 0o755 });
      fs.chmodSync(handle, 0o755);
      return { key, handle };
    }
    const from = this.locate(parent);
    if (!fs.existsSync(from)) {
      throw new Error(`internal: parent snapshot ${parent} is missing`);
    }
    await run('cp', ['-a', '--reflink=auto', from, handle]);
    return { key, handle };
  }

  async commit(active: ActiveSnapshot): Promise<void> {
    const final = this.locate(active.key);
    if (fs.existsSync(final)) {
      // A rebuild (--no-cache) replaces the old snapshot in two renames.
      const old = `${active.handle}.old`;
      fs.renameSync(final, old);
      fs.renameSync(active.handle, final);
      fs.rmSync(old, { recursive: true, force: true });
      return;
    }
    fs.renameSync(active.handle, final);
  }

  async abort(active: ActiveSnapshot): Promise<void> {
    fs.rmSync(active.handle, { recursive: true, force: true });
  }

  async mkdir(into: ActiveSnapshot, dir: string, user?: string): Promise<void> {
    const owner = user ? resolveUser(into.handle, user) : undefined;
    ensureDir(into.handle, dir, owner);
  }

  async copy(
    into: ActiveSnapshot,
    source: SnapshotCopySource,
    request: CopyRequest,
  ): Promise<void> {
    if (source.kind === 'inline') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-inline-'));
      try {
        for (const file of source.files) {
          const host = path.join(dir, file.path.replace(/^\/+/, ''));
          fs.mkdirSync(path.dirname(host), { recursive: true });
          fs.writeFileSync(host, file.content, { mode: file.mode ?? 0o644 });
          fs.chmodSync(host, file.mode ?? 0o644);
        }
        copyFiles({
          srcRoot: dir,
          destRoot: into.handle,
          request,
          defaultOwner: { uid: 0, gid: 0 },
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      return;
    }
    const srcRoot =
      source.kind === 'snapshot'
        ? this.locate(source.key)
        : fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-empty-'));
    try {
      copyFiles({
        srcRoot,
        destRoot: into.handle,
        request,
        defaultOwner: 'keep',
      });
    } finally {
      if (source.kind === 'empty') fs.rmSync(srcRoot, { recursive: true });
    }
  }
}

/** Removes work folders left by builds that no longer run. */
function removeAbandoned(work: string): void {
  for (const name of fs.readdirSync(work)) {
    const pid = Number(name.split('-')[1]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    fs.rmSync(path.join(work, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
