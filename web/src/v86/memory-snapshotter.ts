// Snapshots as in-memory file trees, one per cache key: a new one starts as a
// structural copy of its parent (file bytes shared) and replaces it on commit.

import type {
  ActiveSnapshot,
  CopyRequest,
  SnapshotCopySource,
  Snapshotter,
} from '../../../core/src/index.ts';
import {
  cloneTree,
  emptyDir,
  ensureDir,
  putNode,
  type DirNode,
} from './file-tree.ts';
import { copyTree } from './tree-copy.ts';
import { resolveUser } from './tree-users.ts';

/** Keeps committed trees by cache key and the trees being made by handle. */
export class MemorySnapshotter implements Snapshotter {
  private readonly committed = new Map<string, DirNode>();
  private readonly active = new Map<string, DirNode>();
  private counter = 0;

  async has(key: string): Promise<boolean> {
    return this.committed.has(key);
  }

  async prepare(key: string, parent?: string): Promise<ActiveSnapshot> {
    let tree = emptyDir();
    if (parent !== undefined) {
      const from = this.committed.get(parent);
      if (!from)
        throw new Error(`internal: parent snapshot ${parent} is missing`);
      tree = cloneTree(from);
    }
    const handle = `${key}#${++this.counter}`;
    this.active.set(handle, tree);
    return { key, handle };
  }

  async commit(active: ActiveSnapshot): Promise<void> {
    this.committed.set(active.key, this.tree(active));
    this.active.delete(active.handle);
  }

  async abort(active: ActiveSnapshot): Promise<void> {
    this.active.delete(active.handle);
  }

  async mkdir(
    into: ActiveSnapshot,
    path: string,
    user?: string,
  ): Promise<void> {
    const tree = this.tree(into);
    const owner = user ? resolveUser(tree, user) : { uid: 0, gid: 0 };
    ensureDir(tree, path, owner.uid, owner.gid);
  }

  async copy(
    into: ActiveSnapshot,
    source: SnapshotCopySource,
    request: CopyRequest,
  ): Promise<void> {
    const dest = this.tree(into);
    if (source.kind === 'snapshot') {
      copyTree(this.committedTree(source.key), dest, request, true);
    } else if (source.kind === 'empty') {
      copyTree(emptyDir(), dest, request, false);
    } else {
      const src = emptyDir();
      const encoder = new TextEncoder();
      for (const file of source.files) {
        putNode(src, file.path, {
          type: 'file',
          mode: file.mode ?? 0o644,
          uid: 0,
          gid: 0,
          mtime: 0,
          data: encoder.encode(file.content),
        });
      }
      copyTree(src, dest, request, false);
    }
  }

  locate(key: string): string {
    return key;
  }

  /** Returns the tree of an active snapshot, to run in or change. */
  tree(active: ActiveSnapshot): DirNode {
    const tree = this.active.get(active.handle);
    if (!tree)
      throw new Error(`internal: snapshot ${active.handle} is not active`);
    return tree;
  }

  /** Replaces the tree of an active snapshot (after a RUN). */
  setTree(active: ActiveSnapshot, tree: DirNode): void {
    if (!this.active.has(active.handle)) {
      throw new Error(`internal: snapshot ${active.handle} is not active`);
    }
    this.active.set(active.handle, tree);
  }

  /** Returns a committed tree; callers must not change it. */
  committedTree(key: string): DirNode {
    const tree = this.committed.get(key);
    if (!tree) throw new Error(`internal: snapshot ${key} is missing`);
    return tree;
  }

  /** Stores a finished tree under `key`, as an image unpack does. */
  put(key: string, tree: DirNode): void {
    this.committed.set(key, tree);
  }

  /** Forgets every snapshot. */
  clear(): void {
    this.committed.clear();
    this.active.clear();
  }
}
