// COPY between in-memory root filesystems: sources matched with wildcards,
// the Dockerfile reference's destination rules, --chown, --chmod, --exclude.

import type { CopyRequest } from '../../../core/src/index.ts';
import {
  cloneTree,
  ensureDir,
  lookup,
  pathParts,
  type DirNode,
  type TreeNode,
} from './file-tree.ts';
import { resolveUser } from './tree-users.ts';

interface Match {
  rel: string;
  node: TreeNode;
  wildcard: boolean;
}

/**
 * Copies the request's sources from `src` into `dest`. `keepOwner` keeps the
 * source's owners (stage sources); otherwise files belong to root.
 */
export function copyTree(
  src: DirNode,
  dest: DirNode,
  request: CopyRequest,
  keepOwner: boolean,
): void {
  const owner = request.chown ? resolveUser(dest, request.chown) : undefined;
  const mode = request.chmod ? parseOctal(request.chmod) : undefined;
  const excluded = request.exclude.map(globToRegExp);
  const isExcluded = (rel: string) => excluded.some((re) => re.test(rel));
  const matches = request.sources.flatMap((s) => match(src, s, isExcluded));
  const destIsDir =
    request.dest.endsWith('/') ||
    matches.length > 1 ||
    matches.some((m) => m.wildcard) ||
    lookup(dest, request.dest)?.node.type === 'dir';

  const adjust = (node: TreeNode, rel: string): TreeNode => {
    const copy = cloneTree(node);
    const visit = (n: TreeNode, path: string) => {
      if (owner) {
        n.uid = owner.uid;
        n.gid = owner.gid;
      } else if (!keepOwner) {
        n.uid = 0;
        n.gid = 0;
      }
      if (mode !== undefined && n.type !== 'symlink') n.mode = mode;
      if (n.type !== 'dir') return;
      for (const [name, child] of [...n.entries]) {
        const childPath = `${path}/${name}`;
        if (isExcluded(childPath)) n.entries.delete(name);
        else visit(child, childPath);
      }
    };
    visit(copy, rel);
    return copy;
  };

  const dirOwner = owner ?? { uid: 0, gid: 0 };
  for (const m of matches) {
    const base = pathParts(m.rel).pop() ?? '';
    if (m.node.type === 'dir') {
      const target = request.parents ? join(request.dest, m.rel) : request.dest;
      const into = ensureDir(dest, target, dirOwner.uid, dirOwner.gid);
      const copied = adjust(m.node, m.rel) as DirNode;
      for (const [name, child] of copied.entries) into.entries.set(name, child);
      continue;
    }
    const target = request.parents
      ? join(request.dest, m.rel)
      : destIsDir
        ? join(request.dest, base)
        : request.dest;
    const parts = pathParts(target);
    const name = parts.pop();
    if (!name) throw new Error(`cannot copy ${m.rel} over the root directory`);
    const parent = ensureDir(
      dest,
      `/${parts.join('/')}`,
      dirOwner.uid,
      dirOwner.gid,
    );
    parent.entries.set(name, adjust(m.node, m.rel));
  }
}

/** Finds the entries a source pattern names; missing sources throw. */
function match(
  src: DirNode,
  pattern: string,
  isExcluded: (rel: string) => boolean,
): Match[] {
  const parts = pathParts(pattern);
  const wildcard = parts.some(hasWildcard);
  if (!wildcard) {
    const rel = `/${parts.join('/')}`;
    const found = lookup(src, rel);
    if (!found) {
      throw new Error(`failed to compute cache key: "${rel}": not found`);
    }
    return [{ rel, node: found.node, wildcard }];
  }
  let level: { rel: string; node: TreeNode }[] = [{ rel: '', node: src }];
  for (const part of parts) {
    const re = globToRegExp(part);
    const next: { rel: string; node: TreeNode }[] = [];
    for (const { rel, node } of level) {
      const dir = node.type === 'symlink' ? lookup(src, rel)?.node : node;
      if (dir?.type !== 'dir') continue;
      for (const name of [...dir.entries.keys()].sort()) {
        if (!re.test(name)) continue;
        const childRel = `${rel}/${name}`;
        const child = lookup(src, childRel);
        if (child) next.push({ rel: childRel, node: child.node });
      }
    }
    level = next;
  }
  const found = level.filter((m) => !isExcluded(m.rel));
  if (found.length === 0) {
    throw new Error(
      `failed to compute cache key: failed to calculate checksum: "${pattern}": not found`,
    );
  }
  return found.map((m) => ({ ...m, wildcard: true }));
}

function hasWildcard(part: string): boolean {
  return /[*?[]/.test(part);
}

/** Turns a path pattern (`*`, `?`, `[...]`, `**`) into an anchored RegExp. */
function globToRegExp(glob: string): RegExp {
  let out = '';
  const text = glob.replace(/^\/+/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '*' && text[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = text.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${text.slice(i + 1, end).replace(/^!/, '^')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^/?${out}(/.*)?$`);
}

function parseOctal(chmod: string): number {
  if (!/^[0-7]{3,4}$/.test(chmod)) {
    throw new Error(
      `invalid chmod parameter: ${chmod} (only octal modes in the browser)`,
    );
  }
  return Number.parseInt(chmod, 8);
}

function join(a: string, b: string): string {
  return `/${[...pathParts(a), ...pathParts(b)].join('/')}`;
}
