// In-memory root filesystems for the browser executor: plain, structured-
// clone-safe trees whose file contents are shared and never changed in place.

/** Owner, permission bits (07777) and modification time of a node. */
export interface NodeMeta {
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
}

/** A directory and its entries by name. */
export interface DirNode extends NodeMeta {
  type: 'dir';
  entries: Map<string, TreeNode>;
}

/** A regular file and its bytes. */
export interface FileNode extends NodeMeta {
  type: 'file';
  /** Never written to once in a tree: replace the node instead. */
  data: Uint8Array;
}

/** A symbolic link and its target as written. */
export interface SymlinkNode extends NodeMeta {
  type: 'symlink';
  target: string;
}

/** A device node or FIFO. */
export interface SpecialNode extends NodeMeta {
  type: 'special';
  kind: 'char' | 'block' | 'fifo';
  major: number;
  minor: number;
}

/** One entry of a root filesystem. */
export type TreeNode = DirNode | FileNode | SymlinkNode | SpecialNode;

/** One path a step added, changed or removed. */
export interface FileChange {
  path: string;
  change: 'added' | 'modified' | 'deleted';
}

const MAX_LINKS = 40;

/** Creates an empty directory owned by root. */
export function emptyDir(mode = 0o755, uid = 0, gid = 0): DirNode {
  return { type: 'dir', mode, uid, gid, mtime: 0, entries: new Map() };
}

/** Splits an absolute or relative path into clean parts (no `.`, `..` kept). */
export function pathParts(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** Copies the directory structure; file contents stay shared. */
export function cloneTree<T extends TreeNode>(node: T): T {
  if (node.type !== 'dir') return { ...node };
  const entries = new Map<string, TreeNode>();
  for (const [name, child] of node.entries) entries.set(name, cloneTree(child));
  return { ...node, entries } as T;
}

/**
 * Resolves `path` inside `root` the way a chrooted process would: symlinks
 * are followed (the last one only when `follow`), `..` stops at the root.
 * Returns the node and its parent directory, or undefined when missing.
 */
export function lookup(
  root: DirNode,
  path: string,
  follow = true,
): { node: TreeNode; parent: DirNode; name: string } | undefined {
  const stack: DirNode[] = [root];
  const todo = pathParts(path).reverse();
  let links = 0;
  let current: TreeNode = root;
  let name = '';
  while (todo.length > 0) {
    const part = todo.pop()!;
    if (current.type !== 'dir') return undefined;
    if (part === '..') {
      if (stack.length > 1) stack.pop();
      current = stack[stack.length - 1]!;
      name = '';
      continue;
    }
    const child = current.entries.get(part);
    if (!child) return undefined;
    if (child.type === 'symlink' && (todo.length > 0 || follow)) {
      if (++links > MAX_LINKS) return undefined;
      if (child.target.startsWith('/')) stack.splice(1);
      todo.push(...pathParts(child.target).reverse());
      current = stack[stack.length - 1]!;
      continue;
    }
    name = part;
    if (child.type === 'dir') stack.push(child);
    current = child;
    if (child.type !== 'dir') {
      if (todo.length > 0) return undefined;
      return { node: child, parent: stack[stack.length - 1]!, name };
    }
  }
  const parent = stack.length > 1 ? stack[stack.length - 2]! : root;
  return { node: current, parent, name };
}

/**
 * Makes `path` and any missing parents as directories (mode 0755, owned by
 * `uid:gid`), following symlinks; returns the directory.
 */
export function ensureDir(
  root: DirNode,
  path: string,
  uid = 0,
  gid = 0,
): DirNode {
  const stack: DirNode[] = [root];
  const todo = pathParts(path).reverse();
  let links = 0;
  while (todo.length > 0) {
    const part = todo.pop()!;
    const dir = stack[stack.length - 1]!;
    if (part === '..') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    let child = dir.entries.get(part);
    if (child?.type === 'symlink') {
      if (++links > MAX_LINKS) throw new Error(`mkdir ${path}: too many links`);
      if (child.target.startsWith('/')) stack.splice(1);
      todo.push(...pathParts(child.target).reverse());
      continue;
    }
    if (!child) {
      child = emptyDir(0o755, uid, gid);
      dir.entries.set(part, child);
    }
    if (child.type !== 'dir') throw new Error(`mkdir ${path}: not a directory`);
    stack.push(child);
  }
  return stack[stack.length - 1]!;
}

/** Puts `node` at `path` (parents made as needed), replacing what was there. */
export function putNode(root: DirNode, path: string, node: TreeNode): void {
  const parts = pathParts(path);
  const name = parts.pop();
  if (name === undefined) throw new Error('cannot replace the root');
  const dir = ensureDir(root, `/${parts.join('/')}`);
  dir.entries.set(name, node);
}

/** Removes the entry at `path` (the link itself for a symlink). */
export function removeNode(root: DirNode, path: string): boolean {
  const found = lookup(root, path, false);
  if (!found || found.node === root) return false;
  return found.parent.entries.delete(found.name);
}

/** Calls `visit` for every node below `dir`, parents before children. */
export function walkTree(
  dir: DirNode,
  visit: (path: string, node: TreeNode) => void,
  prefix = '',
): void {
  for (const [name, child] of [...dir.entries].sort(byName)) {
    const path = `${prefix}/${name}`;
    visit(path, child);
    if (child.type === 'dir') walkTree(child, visit, path);
  }
}

/** Lists what changed from `before` to `after`, sorted by path. */
export function diffTrees(before: DirNode, after: DirNode): FileChange[] {
  const out: FileChange[] = [];
  diffDir(before, after, '', out);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function diffDir(a: DirNode, b: DirNode, prefix: string, out: FileChange[]) {
  for (const [name, old] of a.entries) {
    const path = `${prefix}/${name}`;
    const now = b.entries.get(name);
    if (!now) {
      out.push({ path, change: 'deleted' });
    } else if (old.type === 'dir' && now.type === 'dir') {
      if (!sameMeta(old, now)) out.push({ path, change: 'modified' });
      diffDir(old, now, path, out);
    } else if (!sameNode(old, now)) {
      out.push({ path, change: 'modified' });
      if (now.type === 'dir') addAll(now, path, out);
    }
  }
  for (const [name, now] of b.entries) {
    if (a.entries.has(name)) continue;
    const path = `${prefix}/${name}`;
    out.push({ path, change: 'added' });
    if (now.type === 'dir') addAll(now, path, out);
  }
}

function addAll(dir: DirNode, prefix: string, out: FileChange[]) {
  walkTree(dir, (path) => out.push({ path, change: 'added' }), prefix);
}

function sameMeta(a: NodeMeta, b: NodeMeta): boolean {
  return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid;
}

/** Reports whether two non-directory nodes hold the same thing. */
export function sameNode(a: TreeNode, b: TreeNode): boolean {
  if (a.type !== b.type || !sameMeta(a, b)) return false;
  if (a.type === 'file') return sameBytes(a.data, (b as FileNode).data);
  if (a.type === 'symlink') return a.target === (b as SymlinkNode).target;
  if (a.type === 'special') {
    const s = b as SpecialNode;
    return a.kind === s.kind && a.major === s.major && a.minor === s.minor;
  }
  return false;
}

/** Compares two byte arrays. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function byName(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
