// What goes into a layer, in tar order: from an overlay upper folder (whiteout
// devices and opaque folders become OCI markers), or from comparing a copied
// root filesystem with its parent's.

import fs from 'node:fs';
import path from 'node:path';

import type { XattrMap } from './xattrs.ts';

/** One change a layer carries; paths are relative, `/`-separated. */
export type LayerEntry =
  | { kind: 'node'; path: string; host: string; stat: fs.BigIntStats }
  | { kind: 'whiteout'; path: string }
  | { kind: 'opaque'; path: string };

const OPAQUE_XATTRS = ['trusted.overlay.opaque', 'user.overlay.opaque'];

/**
 * Lists an overlay upper folder's changes. A folder overlayfs only copied up
 * (same owner, mode and time as in `lower`) is left out; its changed
 * children are listed all the same.
 */
export function overlayEntries(
  upper: string,
  xattrs: XattrMap,
  lower?: string,
): LayerEntry[] {
  const out: LayerEntry[] = [];
  const walk = (rel: string) => {
    for (const name of sortedNames(path.join(upper, rel))) {
      const child = rel ? `${rel}/${name}` : name;
      const host = path.join(upper, child);
      const stat = fs.lstatSync(host, { bigint: true });
      if (stat.isCharacterDevice() && stat.rdev === 0n) {
        out.push({ kind: 'whiteout', path: child });
        continue;
      }
      if (!storable(stat)) continue;
      if (!stat.isDirectory()) {
        out.push({ kind: 'node', path: child, host, stat });
        continue;
      }
      const attrs = xattrs.get(child);
      const opaque = OPAQUE_XATTRS.some(
        (key) => attrs?.get(key)?.toString() === 'y',
      );
      const before = lower ? lstat(path.join(lower, child)) : undefined;
      if (opaque || !before || !sameDirectory(before, stat)) {
        out.push({ kind: 'node', path: child, host, stat });
      }
      if (opaque) out.push({ kind: 'opaque', path: child });
      walk(child);
    }
  };
  walk('');
  return out;
}

/** Lists what differs in `upper` from `lower` (everything when there is no lower). */
export function copyEntries(upper: string, lower?: string): LayerEntry[] {
  const out: LayerEntry[] = [];
  const addAll = (rel: string) => {
    for (const name of sortedNames(path.join(upper, rel))) {
      const child = rel ? `${rel}/${name}` : name;
      const host = path.join(upper, child);
      const stat = fs.lstatSync(host, { bigint: true });
      if (!storable(stat)) continue;
      out.push({ kind: 'node', path: child, host, stat });
      if (stat.isDirectory()) addAll(child);
    }
  };
  if (lower === undefined) {
    addAll('');
    return out;
  }

  const compare = (rel: string) => {
    const names = new Set([
      ...sortedNames(path.join(upper, rel)),
      ...sortedNames(path.join(lower, rel)),
    ]);
    for (const name of [...names].sort(byBytes)) {
      const child = rel ? `${rel}/${name}` : name;
      const host = path.join(upper, child);
      const now = lstat(host);
      const before = lstat(path.join(lower, child));
      if (!now) {
        if (before) out.push({ kind: 'whiteout', path: child });
        continue;
      }
      if (!storable(now)) continue;
      const bothDirs = before?.isDirectory() && now.isDirectory();
      if (!before || !sameNode(before, now, host, path.join(lower, child))) {
        out.push({ kind: 'node', path: child, host, stat: now });
      }
      if (bothDirs) compare(child);
      else if (now.isDirectory()) addAll(child);
    }
  };
  compare('');
  return out;
}

function sameDirectory(a: fs.BigIntStats, b: fs.BigIntStats): boolean {
  return (
    a.isDirectory() &&
    a.mode === b.mode &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    a.mtimeNs === b.mtimeNs
  );
}

/** Sockets cannot be stored in a tar; everything else can. */
function storable(stat: fs.BigIntStats): boolean {
  return !stat.isSocket();
}

/**
 * Tells whether a path is unchanged: same type, owner, mode, size, times and
 * link target. Copies keep times to the nanosecond, so this is what a
 * double-walking differ can see without reading contents.
 */
function sameNode(
  a: fs.BigIntStats,
  b: fs.BigIntStats,
  bHost: string,
  aHost: string,
): boolean {
  if ((a.mode & 0o170000n) !== (b.mode & 0o170000n)) return false;
  if (a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return false;
  if (a.isDirectory()) return a.mtimeNs === b.mtimeNs;
  if (a.size !== b.size || a.mtimeNs !== b.mtimeNs) return false;
  if (a.isCharacterDevice() || a.isBlockDevice()) return a.rdev === b.rdev;
  if (a.isSymbolicLink()) {
    return fs.readlinkSync(aHost) === fs.readlinkSync(bHost);
  }
  return true;
}

function lstat(file: string): fs.BigIntStats | undefined {
  try {
    return fs.lstatSync(file, { bigint: true });
  } catch {
    return undefined;
  }
}

function sortedNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort(byBytes);
  } catch {
    return [];
  }
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
