// Moves file trees into and out of v86's in-memory 9p filesystem, the share
// the guest mounts. Uses v86's internal `fs9p` object, which its typings omit.

import type { DirNode, FileNode, TreeNode } from './file-tree.ts';

/** The slice of a v86 9p inode this module reads and writes. */
export interface Fs9pInode {
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  ctime: number;
  atime: number;
  size: number;
  symlink: string;
  major: number;
  minor: number;
  direntries: Map<string, number>;
}

/** The slice of v86's internal 9p filesystem object used here. */
export interface Fs9p {
  inodes: Fs9pInode[];
  inodedata: Record<number, Uint8Array | undefined>;
  CreateDirectory(name: string, parentId: number): number;
  CreateFile(name: string, parentId: number): number;
  CreateSymlink(name: string, parentId: number, target: string): number;
  CreateNode(
    name: string,
    parentId: number,
    major: number,
    minor: number,
  ): number;
  Search(parentId: number, name: string): number;
  Unlink(parentId: number, name: string): number;
}

const S_IFMT = 0o170000;
const TYPE_BITS = {
  dir: 0o040000,
  file: 0o100000,
  symlink: 0o120000,
  char: 0o020000,
  block: 0o060000,
  fifo: 0o010000,
} as const;

/** Returns v86's 9p filesystem object of an emulator. */
export function fs9pOf(emulator: unknown): Fs9p {
  const fs = (emulator as { fs9p?: Fs9p }).fs9p;
  if (!fs) throw new Error('this v86 build has no 9p filesystem');
  return fs;
}

/** Copies `tree` into a new directory `name` under the 9p root. */
export function layTree(fs: Fs9p, name: string, tree: DirNode): number {
  removeTree(fs, name);
  const id = fs.CreateDirectory(name, 0);
  setMeta(fs.inodes[id]!, tree, TYPE_BITS.dir);
  layEntries(fs, id, tree);
  return id;
}

function layEntries(fs: Fs9p, parent: number, dir: DirNode): void {
  for (const [name, node] of dir.entries) {
    let id: number;
    switch (node.type) {
      case 'dir':
        id = fs.CreateDirectory(name, parent);
        setMeta(fs.inodes[id]!, node, TYPE_BITS.dir);
        layEntries(fs, id, node);
        continue;
      case 'file':
        id = fs.CreateFile(name, parent);
        if (node.data.length > 0) fs.inodedata[id] = node.data.slice();
        fs.inodes[id]!.size = node.data.length;
        setMeta(fs.inodes[id]!, node, TYPE_BITS.file);
        continue;
      case 'symlink':
        id = fs.CreateSymlink(name, parent, node.target);
        setMeta(fs.inodes[id]!, node, TYPE_BITS.symlink);
        continue;
      case 'special':
        id = fs.CreateNode(name, parent, node.major, node.minor);
        setMeta(fs.inodes[id]!, node, TYPE_BITS[node.kind]);
        continue;
    }
  }
}

function setMeta(inode: Fs9pInode, node: TreeNode, type: number): void {
  inode.mode = type | (node.mode & 0o7777);
  inode.uid = node.uid;
  inode.gid = node.gid;
  inode.mtime = inode.ctime = inode.atime = node.mtime;
}

/**
 * Reads the directory `name` under the 9p root back as a tree. Files equal to
 * the same path in `previous` keep its bytes, so unchanged files stay shared.
 */
export function readTree(
  fs: Fs9p,
  name: string,
  previous?: DirNode,
): DirNode | undefined {
  const id = fs.Search(0, name);
  if (id === -1) return undefined;
  const node = readNode(fs, id, previous);
  return node.type === 'dir' ? node : undefined;
}

function readNode(fs: Fs9p, id: number, previous?: TreeNode): TreeNode {
  const inode = fs.inodes[id]!;
  const meta = {
    mode: inode.mode & 0o7777,
    uid: inode.uid,
    gid: inode.gid,
    mtime: inode.mtime,
  };
  switch (inode.mode & S_IFMT) {
    case TYPE_BITS.dir: {
      const entries = new Map<string, TreeNode>();
      const before = previous?.type === 'dir' ? previous.entries : undefined;
      for (const [child, childId] of inode.direntries) {
        if (child === '.' || child === '..') continue;
        entries.set(child, readNode(fs, childId, before?.get(child)));
      }
      return { type: 'dir', ...meta, entries };
    }
    case TYPE_BITS.symlink:
      return { type: 'symlink', ...meta, target: inode.symlink };
    case TYPE_BITS.char:
    case TYPE_BITS.block:
    case TYPE_BITS.fifo: {
      const type = inode.mode & S_IFMT;
      const kind =
        type === TYPE_BITS.char
          ? 'char'
          : type === TYPE_BITS.block
            ? 'block'
            : 'fifo';
      return {
        type: 'special',
        ...meta,
        kind,
        major: inode.major,
        minor: inode.minor,
      };
    }
    default:
      return { type: 'file', ...meta, data: fileBytes(fs, id, previous) };
  }
}

function fileBytes(fs: Fs9p, id: number, previous?: TreeNode): Uint8Array {
  const size = fs.inodes[id]!.size;
  const raw = fs.inodedata[id];
  const bytes = raw ? raw.subarray(0, size) : new Uint8Array(0);
  const old =
    previous?.type === 'file' ? (previous as FileNode).data : undefined;
  if (old && old.length === bytes.length && equal(old, bytes)) return old;
  return bytes.slice();
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes a whole file at `path` (parent directories must exist). */
export function writeFile9p(fs: Fs9p, path: string, data: Uint8Array): number {
  const parts = path.split('/').filter((p) => p !== '');
  const name = parts.pop()!;
  let parent = 0;
  for (const part of parts) {
    const next = fs.Search(parent, part);
    parent = next === -1 ? fs.CreateDirectory(part, parent) : next;
  }
  removeEntry(fs, parent, name);
  const id = fs.CreateFile(name, parent);
  if (data.length > 0) fs.inodedata[id] = data.slice();
  fs.inodes[id]!.size = data.length;
  fs.inodes[id]!.mode = TYPE_BITS.file | 0o644;
  return id;
}

/** Returns the bytes of a 9p file from `offset` on (empty when none). */
export function readFrom(fs: Fs9p, id: number, offset: number): Uint8Array {
  const size = fs.inodes[id]?.size ?? 0;
  const raw = fs.inodedata[id];
  if (!raw || size <= offset) return new Uint8Array(0);
  return raw.slice(offset, size);
}

/**
 * Deletes the entry at `path` (from the 9p root), with everything below it,
 * and frees the file data (v86 keeps the bytes of unlinked files otherwise).
 */
export function removeTree(fs: Fs9p, path: string): void {
  const parts = path.split('/').filter((p) => p !== '');
  const name = parts.pop();
  if (name === undefined) return;
  let parent = 0;
  for (const part of parts) {
    parent = fs.Search(parent, part);
    if (parent === -1) return;
  }
  removeEntry(fs, parent, name);
}

function removeEntry(fs: Fs9p, parent: number, name: string): void {
  const id = fs.Search(parent, name);
  if (id === -1) return;
  const inode = fs.inodes[id]!;
  if ((inode.mode & S_IFMT) === TYPE_BITS.dir) {
    for (const child of [...inode.direntries.keys()]) {
      if (child !== '.' && child !== '..') removeEntry(fs, id, child);
    }
  }
  const status = fs.Unlink(parent, name);
  if (status !== 0) throw new Error(`9p: cannot remove ${name} (${status})`);
  delete fs.inodedata[id];
}
