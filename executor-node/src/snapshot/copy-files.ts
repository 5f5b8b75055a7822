// COPY and ADD into a root filesystem: sources matched in a source root, the
// destination rules of the Dockerfile reference, owners, modes and archives.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { CopyRequest } from '../../../core/src/index.ts';
import { parseChmod } from './file-mode.ts';
import { resolveUser } from './ownership.ts';
import { resolveInRoot } from './root-path.ts';
import {
  createEntryFilter,
  selectSources,
  type EntryFilter,
  type PathFilter,
} from './source-select.ts';

/** Numeric owner for copied files. */
export interface Owner {
  uid: number;
  gid: number;
}

/** One copy: where from, where to, and the rules that differ by source. */
export interface CopyInput {
  srcRoot: string;
  destRoot: string;
  request: CopyRequest;
  /** Paths the source hides, e.g. by `.dockerignore`. */
  ignored?: PathFilter;
  /** Owner without `--chown`: fixed (context, inline) or the source's own. */
  defaultOwner: Owner | 'keep';
  /** Unpacks local tar archives, as ADD does for context files. */
  extractArchives?: boolean;
}

interface Walk {
  srcRoot: string;
  destRoot: string;
  excluded: EntryFilter;
  owner: Owner | 'keep';
  chmod?: (mode: number, isDir: boolean) => number;
}

/** Copies the request's sources into `destRoot`. */
export function copyFiles(input: CopyInput): void {
  const { request, srcRoot, destRoot } = input;
  const excluded = createEntryFilter(input.ignored, request.exclude);
  const matches = selectSources(srcRoot, request.sources, (rel) =>
    excluded(rel, rel),
  );
  const owner = request.chown
    ? ownerOf(resolveUser(destRoot, request.chown))
    : input.defaultOwner;
  const walk: Walk = {
    srcRoot,
    destRoot,
    excluded,
    owner,
    chmod: request.chmod ? parseChmod(request.chmod) : undefined,
  };
  const dirOwner = owner === 'keep' ? undefined : owner;
  const destIsDir =
    request.dest.endsWith('/') ||
    matches.length > 1 ||
    matches.some((m) => m.wildcard) ||
    isDirectory(resolveInRoot(destRoot, request.dest));

  for (const match of matches) {
    const isDir = fs.statSync(match.host).isDirectory();
    const base = path.posix.basename(match.rel);
    if (isDir) {
      const target = request.parents
        ? path.posix.join(request.dest, match.rel)
        : request.dest;
      ensureDir(destRoot, target, dirOwner);
      copyChildren(walk, match.host, match.rel, target);
      continue;
    }
    if (input.extractArchives && isArchive(match.host)) {
      const dir = ensureDir(destRoot, request.dest, dirOwner);
      execFileSync('tar', [
        '-x',
        '-f',
        match.host,
        '-C',
        dir,
        '--numeric-owner',
      ]);
      continue;
    }
    const target = request.parents
      ? path.posix.join(request.dest, match.rel)
      : destIsDir
        ? path.posix.join(request.dest, base)
        : request.dest;
    ensureDir(destRoot, path.posix.dirname(target), dirOwner);
    copyEntry(walk, match.host, match.rel, base, target);
  }
}

/** Creates a container directory and its parents; returns its host path. */
export function ensureDir(root: string, dir: string, owner?: Owner): string {
  const parts = dir.split('/').filter((p) => p !== '' && p !== '.');
  let current = '/';
  for (const part of parts) {
    current = path.posix.join(current, part);
    const host = resolveInRoot(root, current);
    if (isDirectory(host)) continue;
    const parent = path.dirname(host);
    if (parent !== root && !isDirectory(parent)) {
      // A symlink led to folders that are not there yet: make them too, as
      // BuildKit's mkdir with parents does.
      ensureDir(root, `/${path.relative(root, parent)}`, owner);
    }
    if (fs.existsSync(host)) fs.rmSync(host, { force: true });
    fs.mkdirSync(host, { mode: 0o755 });
    fs.chmodSync(host, 0o755);
    if (owner) setOwner(host, owner);
  }
  return resolveInRoot(root, dir);
}

function copyChildren(
  walk: Walk,
  srcHost: string,
  rel: string,
  dest: string,
): void {
  for (const name of fs.readdirSync(srcHost).sort()) {
    const childRel = rel === '.' ? name : `${rel}/${name}`;
    copyEntry(
      walk,
      path.join(srcHost, name),
      childRel,
      name,
      path.posix.join(dest, name),
    );
  }
}

/**
 * Copies one entry (a tree for directories); `inner` is its path inside the
 * matched source. Returns whether anything was kept.
 */
function copyEntry(
  walk: Walk,
  srcHost: string,
  rel: string,
  inner: string,
  dest: string,
): boolean {
  const st = fs.lstatSync(srcHost);
  const skip = walk.excluded(rel, inner);
  if (st.isDirectory()) {
    const host = resolveInRoot(walk.destRoot, dest);
    const existed = isDirectory(host);
    if (!existed) {
      removeNonDir(host);
      fs.mkdirSync(host);
    }
    let kept = false;
    for (const name of fs.readdirSync(srcHost).sort()) {
      const childRel = `${rel}/${name}`;
      kept =
        copyEntry(
          walk,
          path.join(srcHost, name),
          childRel,
          `${inner}/${name}`,
          path.posix.join(dest, name),
        ) || kept;
    }
    if (skip && !kept) {
      if (!existed) fs.rmdirSync(host);
      return false;
    }
    finish(walk, host, st, true);
    return true;
  }
  if (skip) return false;

  const host = resolveInRoot(walk.destRoot, dest, false);
  if (fs.existsSync(host) || isSymlink(host))
    fs.rmSync(host, { recursive: true, force: true });
  if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(srcHost), host);
  } else if (st.isFile()) {
    fs.copyFileSync(srcHost, host, fs.constants.COPYFILE_FICLONE);
  } else {
    // Device nodes, FIFOs and sockets: node cannot mknod, cp can.
    execFileSync('cp', ['-a', srcHost, host]);
  }
  finish(walk, host, st, false);
  return true;
}

function finish(walk: Walk, host: string, st: fs.Stats, isDir: boolean): void {
  const owner = walk.owner === 'keep' ? ownerOf(st) : walk.owner;
  setOwner(host, owner);
  if (st.isSymbolicLink()) return;
  const mode = walk.chmod ? walk.chmod(st.mode, isDir) : st.mode & 0o7777;
  fs.chmodSync(host, mode);
  fs.utimesSync(host, st.atime, st.mtime);
}

/** Sets the owner; without root only the caller's own ids can be kept. */
function setOwner(host: string, owner: Owner): void {
  try {
    fs.lchownSync(host, owner.uid, owner.gid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

function ownerOf(ids: { uid: number; gid: number }): Owner {
  return { uid: ids.uid, gid: ids.gid };
}

function isDirectory(host: string): boolean {
  try {
    return fs.statSync(host).isDirectory();
  } catch {
    return false;
  }
}

function isSymlink(host: string): boolean {
  try {
    return fs.lstatSync(host).isSymbolicLink();
  } catch {
    return false;
  }
}

function removeNonDir(host: string): void {
  if (fs.existsSync(host) || isSymlink(host)) fs.rmSync(host, { force: true });
}

/** Recognises tar archives, plain or gzip, bzip2 or xz compressed. */
function isArchive(file: string): boolean {
  const head = Buffer.alloc(512);
  const fd = fs.openSync(file, 'r');
  const read = fs.readSync(fd, head, 0, 512, 0);
  fs.closeSync(fd);
  if (read >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
  if (read >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh')
    return true;
  if (read >= 6 && head.subarray(0, 6).equals(XZ_MAGIC)) return true;
  return read >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
}

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
