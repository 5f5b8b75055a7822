// The build context of a browser build: a folder or files the user dropped,
// or else the example's own folder, after `.dockerignore` as COPY sees it.

import { readDockerignore } from '../../core/src/index.ts';
import type { DroppedFile } from './dropped-files.ts';
import {
  emptyDir,
  lookup,
  putNode,
  type DirNode,
  type TreeNode,
} from './v86/file-tree.ts';

/** A dropped build context: its files and what to call it. */
export interface ContextFiles {
  /** e.g. `my-app` (a dropped folder) or `3 files`. */
  label: string;
  /** Paths relative to the context's root. */
  files: DroppedFile[];
}

/** The outcome of filtering a context; `error` when `.dockerignore` is bad. */
export type ContextTreeResult =
  { ok: true; tree: DirNode; ignored: string[] } | { ok: false; error: string };

/**
 * Lays dropped files out as a tree. Files are owned by root with mode 0644:
 * a browser tells neither owner nor mode.
 */
export function createContextTree(files: DroppedFile[]): DirNode {
  const tree = emptyDir();
  for (const file of files) {
    if (!file.path.split('/').some((p) => p !== '' && p !== '.')) continue;
    putNode(tree, file.path, {
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      data: file.data,
    });
  }
  return tree;
}

/**
 * Leaves out what the context's ignore file excludes, as BuildKit sends a
 * context: `<Dockerfile>.dockerignore` when the context has one for the
 * Dockerfile's name, else `/.dockerignore`. A folder a `!` pattern reaches
 * into is kept for those entries. File contents are shared with the input.
 */
export function applyDockerignore(
  tree: DirNode,
  dockerfile = 'Dockerfile',
): ContextTreeResult {
  const own = lookup(tree, `${dockerfile}.dockerignore`);
  const root = tree.entries.get('.dockerignore');
  const file = own?.node.type === 'file' ? own.node : root;
  const text = file?.type === 'file' ? new TextDecoder().decode(file.data) : '';
  const rules = readDockerignore(text);
  if (!rules.ok) return { ok: false, error: `.dockerignore: ${rules.error}` };
  const ignored: string[] = [];
  const kept = filterDir(tree, '', rules.matcher.excludes, ignored);
  const result = kept ?? { ...tree, entries: new Map() };
  return { ok: true, tree: result, ignored: ignored.sort() };
}

/**
 * Returns the text of the ignore file BuildKit sends with the Dockerfile:
 * `<Dockerfile>.dockerignore` when there is one, else `.dockerignore`;
 * undefined when the context has neither. `read` reads a context path.
 */
export async function readIgnoreText(
  read: (path: string) => Promise<string | undefined>,
  dockerfile = 'Dockerfile',
): Promise<string | undefined> {
  return (await read(`${dockerfile}.dockerignore`)) ?? read('.dockerignore');
}

/**
 * Returns the context a build reads: the dropped one if any, else what
 * `example` loads; `.dockerignore` applied. Throws on a bad `.dockerignore`.
 */
export async function resolveBuildContext(
  dropped: ContextFiles | undefined,
  example: () => Promise<DirNode | undefined>,
  dockerfile?: string,
): Promise<DirNode | undefined> {
  const tree = dropped ? createContextTree(dropped.files) : await example();
  if (!tree) return undefined;
  const result = applyDockerignore(tree, dockerfile);
  if (!result.ok) throw new Error(result.error);
  return result.tree;
}

function filterDir(
  dir: DirNode,
  prefix: string,
  excludes: (path: string) => boolean,
  ignored: string[],
): DirNode | undefined {
  const entries = new Map<string, TreeNode>();
  for (const [name, node] of dir.entries) {
    const path = prefix ? `${prefix}/${name}` : name;
    const out = excludes(path);
    if (node.type === 'dir') {
      const before = ignored.length;
      const inner = filterDir(node, path, excludes, ignored);
      if (!out) entries.set(name, inner ?? { ...node, entries: new Map() });
      else if (inner) entries.set(name, inner);
      else ignored.splice(before, ignored.length - before, `${path}/`);
    } else if (out) {
      ignored.push(path);
    } else {
      entries.set(name, node);
    }
  }
  if (entries.size === 0 && prefix !== '') return undefined;
  return { ...dir, entries };
}
