// The browser executor's file trees as browser_wasi_shim inodes and back: a
// WASI program sees the step's root, and what it changed becomes a new tree.

import { Directory, File, Inode, wasi } from '@bjorn3/browser_wasi_shim';
import {
  lookup,
  type DirNode,
  type FileNode,
  type TreeNode,
} from '../v86/file-tree.ts';

/** A root laid out for the shim, with what is needed to read it back. */
export interface WasiRoot {
  /** The root directory's contents, for a `PreopenDirectory('/', ...)`. */
  contents: Map<string, Inode>;
  /** Reads the shim's root back as a tree; untouched nodes are reused. */
  read(now: number, owner: { uid: number; gid: number }): DirNode;
}

/**
 * A file whose bytes stay shared with the tree until the program opens it
 * for writing: trees never change file bytes in place.
 */
class TreeFile extends File {
  private owned = false;

  constructor(data: Uint8Array) {
    super(new Uint8Array(0));
    this.data = data;
  }

  override path_open(oflags: number, rights: bigint, fdFlags: number) {
    const writes = (rights & BigInt(wasi.RIGHTS_FD_WRITE)) !== 0n;
    if (!this.owned && (writes || oflags & wasi.OFLAGS_TRUNC)) {
      this.data = this.data.slice();
      this.owned = true;
    }
    return super.path_open(oflags, rights, fdFlags);
  }
}

/**
 * Lays `root` out as shim inodes. Symbolic links become the inode they point
 * to inside the root (the shim has no links); dangling links, device nodes
 * and FIFOs are left out of the program's view and kept as they are.
 */
export function toWasiRoot(root: DirNode): WasiRoot {
  const paths = dirPaths(root);
  const inodes = new Map<TreeNode, Inode>();
  const origins = new Map<Inode, TreeNode>();
  // What each directory entry was given, and the entries left out.
  const placed = new Map<DirNode, Map<string, Inode>>();
  const hidden = new Map<DirNode, string[]>();

  const convert = (node: TreeNode): Inode | undefined => {
    const known = inodes.get(node);
    if (known) return known;
    if (node.type === 'file') {
      const file = new TreeFile(node.data);
      inodes.set(node, file);
      origins.set(file, node);
      return file;
    }
    if (node.type !== 'dir') return undefined;
    // Registered before its entries, so a link back up finds it.
    const dir = new Directory(new Map());
    inodes.set(node, dir);
    origins.set(dir, node);
    const given = new Map<string, Inode>();
    const left: string[] = [];
    placed.set(node, given);
    hidden.set(node, left);
    for (const [name, child] of [...node.entries].sort(byName)) {
      const target =
        child.type === 'symlink'
          ? lookup(root, `${paths.get(node)}/${name}`)?.node
          : child;
      const inode = target ? convert(target) : undefined;
      if (!inode) {
        left.push(name);
        continue;
      }
      dir.contents.set(name, inode);
      given.set(name, inode);
      if (child.type === 'dir') setParent(inode as Directory, dir);
    }
    return dir;
  };
  const top = convert(root) as Directory;

  return {
    contents: top.contents,
    read(now, owner) {
      const open = new Set<Directory>();
      const readDir = (dir: Directory, before?: DirNode): DirNode => {
        open.add(dir);
        const entries = new Map<string, TreeNode>();
        for (const name of before ? (hidden.get(before) ?? []) : []) {
          if (!dir.contents.has(name)) {
            entries.set(name, before!.entries.get(name)!);
          }
        }
        const given = before ? placed.get(before) : undefined;
        for (const [name, inode] of dir.contents) {
          const was = before?.entries.get(name);
          const node =
            was && given?.get(name) === inode
              ? readSame(inode, was)
              : readNew(inode);
          if (node) entries.set(name, node);
        }
        open.delete(dir);
        const meta = before ?? { mode: 0o755, ...owner, mtime: now };
        return { ...meta, type: 'dir', entries };
      };
      // The entry still holds the inode it was given.
      const readSame = (inode: Inode, was: TreeNode): TreeNode | undefined => {
        if (was.type === 'dir') return readDir(inode as Directory, was);
        if (was.type === 'file') return readFile(inode as File, was);
        return was;
      };
      // A new entry, or one renamed or linked here from elsewhere; a
      // directory moved into itself is left out rather than looped over.
      const readNew = (inode: Inode): TreeNode | undefined => {
        const origin = origins.get(inode);
        if (inode instanceof Directory) {
          if (open.has(inode)) return undefined;
          return readDir(inode, origin?.type === 'dir' ? origin : undefined);
        }
        if (!(inode instanceof File)) return undefined;
        if (origin?.type === 'file') return readFile(inode, origin);
        const data = inode.data;
        return { type: 'file', mode: 0o644, ...owner, mtime: now, data };
      };
      const readFile = (file: File, was: FileNode): FileNode =>
        file.data === was.data ? was : { ...was, mtime: now, data: file.data };
      return readDir(top, root);
    },
  };
}

/** Maps every directory of `root` to its path (`''` for the root). */
function dirPaths(root: DirNode): Map<DirNode, string> {
  const paths = new Map<DirNode, string>([[root, '']]);
  const walk = (dir: DirNode, prefix: string) => {
    for (const [name, child] of dir.entries) {
      if (child.type !== 'dir' || paths.has(child)) continue;
      paths.set(child, `${prefix}/${name}`);
      walk(child, `${prefix}/${name}`);
    }
  };
  walk(root, '');
  return paths;
}

/** Sets the directory `..` names in `child` (a private field of the shim). */
function setParent(child: Directory, parent: Directory): void {
  (child as unknown as { parent: Directory | null }).parent = parent;
}

function byName(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
