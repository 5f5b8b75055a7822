// The snapshot folder on disk: immutable versions under `v/<id>`, and per
// cache key a symlink naming the current version, replaced atomically.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { keyFileName } from '../paths.ts';

/** How a version keeps its files. */
export type SnapshotKind = 'copy' | 'overlay';

/** What a committed version records about itself (`meta.json`). */
export interface SnapshotMeta {
  key: string;
  /** The version id: the folder name under `v/`. */
  id: string;
  kind: SnapshotKind;
  /** The exact version this one was made from, if any. */
  parent?: { key: string; id: string };
}

/** Folder names inside the snapshot folder. */
export const VERSIONS = 'v';
export const WORK = '.work';
export const VIEWS = '.views';

/** Reads and writes pointers and versions under one snapshot folder. */
export class SnapshotLayout {
  private readonly metas = new Map<string, SnapshotMeta>();

  constructor(readonly dir: string) {
    for (const sub of [VERSIONS, WORK, VIEWS]) {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
    }
  }

  /** Returns the pointer file of a cache key. */
  pointer(key: string): string {
    return path.join(this.dir, keyFileName(key));
  }

  /** Returns the folder of a version. */
  version(id: string): string {
    return path.join(this.dir, VERSIONS, id);
  }

  /** Returns the version a key points at, when it is complete. */
  current(key: string): SnapshotMeta | undefined {
    let target: string;
    try {
      target = fs.readlinkSync(this.pointer(key));
    } catch {
      return undefined;
    }
    const meta = this.read(path.basename(target));
    return meta?.key === key ? meta : undefined;
  }

  /** Reads a version's record; undefined when it is missing or torn. */
  read(id: string): SnapshotMeta | undefined {
    const known = this.metas.get(id);
    if (known) return known;
    try {
      const text = fs.readFileSync(
        path.join(this.version(id), 'meta.json'),
        'utf8',
      );
      const meta = JSON.parse(text) as SnapshotMeta;
      if (meta.id !== id) return undefined;
      this.metas.set(id, meta);
      return meta;
    } catch {
      return undefined;
    }
  }

  /** Lists a version and its ancestors, the version itself first. */
  lineage(meta: SnapshotMeta): SnapshotMeta[] {
    const out = [meta];
    let parent = meta.parent;
    while (parent) {
      const next = this.read(parent.id);
      if (!next) {
        throw new Error(
          `internal: snapshot ${meta.key} lost its parent version ${parent.id}`,
        );
      }
      out.push(next);
      parent = next.parent;
    }
    return out;
  }

  /**
   * Moves a finished work folder into `v/<id>` with its record, then points
   * the key at it; both steps are renames, so readers see all or nothing.
   */
  publish(work: string, meta: Omit<SnapshotMeta, 'id'>): SnapshotMeta {
    const full: SnapshotMeta = { ...meta, id: newVersionId() };
    fs.writeFileSync(path.join(work, 'meta.json'), JSON.stringify(full));
    fs.renameSync(work, this.version(full.id));

    const pointer = this.pointer(meta.key);
    const tmp = `${pointer}.${full.id}.tmp`;
    fs.symlinkSync(path.join(VERSIONS, full.id), tmp);
    try {
      fs.renameSync(tmp, pointer);
    } catch (error) {
      // A folder from an older layout holds the name: replace it.
      if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
      fs.rmSync(pointer, { recursive: true, force: true });
      fs.renameSync(tmp, pointer);
    }
    this.metas.set(full.id, full);
    return full;
  }

  /** Lists every pointer's key file name. */
  pointers(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((name) => /^[a-f0-9]{64}$/.test(name));
  }
}

/** Returns a fresh version id. */
export function newVersionId(): string {
  return crypto.randomBytes(6).toString('hex');
}

/** Names a work or view folder so a later process can tell whether its owner lives. */
export function ownedName(label: string): string {
  return `${label.replace(/^sha256:/, '').slice(0, 12)}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
}

/** Returns the owner pid of a work or view folder name, if it has one. */
export function ownerOf(name: string): number | undefined {
  const pid = Number(name.split('-')[1]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Reports whether a process is alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
