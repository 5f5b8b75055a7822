// Reads a layer tar with tar-stream before GNU tar may apply it, and refuses
// any entry that would land outside the root: `..` or absolute names, names
// or hard-link targets that pass through a symlink leaving the root (also
// through a chain of symlinks, from this layer or already on disk), and
// headers GNU tar would read differently (sparse files, global paths).

import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

import tar from 'tar-stream';

/** What a checked layer asks for besides its entries. */
export interface LayerPlan {
  /** Root-relative paths whiteouts remove, resolved to real folders. */
  whiteouts: string[];
  /** Folders whose earlier contents an opaque marker hides. */
  opaqueDirs: string[];
  /** Folders on disk that a non-folder entry of the layer replaces. */
  replacedDirs: string[];
  /** Entries that are not whiteouts (what GNU tar will write). */
  entries: number;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
const MAX_LINKS = 40;
const ENTRY_TYPES = new Set([
  'file',
  'contiguous-file',
  'link',
  'symlink',
  'directory',
  'character-device',
  'block-device',
  'fifo',
]);

type Node =
  | { type: 'dir' }
  | { type: 'symlink'; target: string }
  | { type: 'other' }
  | { type: 'absent' };

/** Thrown for a layer that must not be applied. */
export class UnsafeLayerError extends Error {}

/** Reads the tar stream `input` and checks it against the folder `rootfs`. */
export async function checkLayer(
  input: NodeJS.ReadableStream,
  rootfs: string,
): Promise<LayerPlan> {
  const checker = new LayerChecker(rootfs);
  const extract = tar.extract();
  const fed = pipeline(input, extract);
  try {
    for await (const entry of extract) {
      checker.add(entry.header);
      checkGlobalHeader(extract);
      entry.resume();
    }
    await fed;
  } catch (error) {
    extract.destroy();
    await fed.catch(() => undefined);
    throw error;
  }
  return checker.plan;
}

/** Tracks what the layer has written so far, over what the disk holds. */
class LayerChecker {
  readonly plan: LayerPlan = {
    whiteouts: [],
    opaqueDirs: [],
    replacedDirs: [],
    entries: 0,
  };
  private readonly nodes = new Map<string, Node>();
  private readonly removed = new Set<string>();
  private readonly opaque = new Set<string>();

  constructor(private readonly rootfs: string) {}

  add(header: tar.Header): void {
    const raw = header.name;
    const type = header.type as string | null;
    if (!type || !ENTRY_TYPES.has(type)) {
      refuse(`"${raw}" has an entry type GNU tar would read differently`);
    }
    checkPax(raw, header.pax);
    const parts = memberParts(raw);
    const base = parts.at(-1);

    if (base === OPAQUE || base?.startsWith(WHITEOUT)) {
      const dir = this.resolve(parts.slice(0, -1), raw);
      if (base === OPAQUE) {
        this.plan.opaqueDirs.push(dir.join('/'));
        this.markOpaque(dir);
      } else {
        const gone = [...dir, base.slice(WHITEOUT.length)].join('/');
        if (gone === '' || gone.split('/').includes('..')) refuse(`"${raw}"`);
        this.plan.whiteouts.push(gone);
        this.removed.add(gone);
        this.nodes.set(gone, { type: 'absent' });
      }
      return;
    }

    this.plan.entries++;
    if (parts.length === 0) return;
    if (type === 'link') this.checkHardLink(header.linkname, raw);

    const dir = this.resolve(parts.slice(0, -1), raw);
    const where = [...dir, base as string].join('/');
    if (type === 'directory') {
      // GNU tar keeps a symlink standing where a folder entry is, and then
      // changes the mode and owner of what it points at.
      const full = this.resolve([...dir, base as string], raw);
      this.nodes.set(full.join('/'), { type: 'dir' });
      return;
    }
    const existing = this.lookup(where);
    if (existing.type === 'dir' && !this.nodes.has(where)) {
      this.plan.replacedDirs.push(where);
    }
    this.nodes.set(
      where,
      type === 'symlink'
        ? { type: 'symlink', target: header.linkname ?? '' }
        : { type: 'other' },
    );
  }

  private checkHardLink(linkname: string | null | undefined, raw: string) {
    if (!linkname) refuse(`hard link "${raw}" has no target`);
    const parts = memberParts(linkname as string, `hard link "${raw}" to`);
    if (parts.length === 0) refuse(`hard link "${raw}" points at the root`);
    this.resolve(parts.slice(0, -1), raw);
  }

  /**
   * Resolves folder parts as the kernel will when GNU tar opens the path,
   * following symlinks, and refuses any step that leaves the root.
   */
  private resolve(parts: string[], raw: string): string[] {
    const done: string[] = [];
    const todo = [...parts];
    let links = 0;
    while (todo.length > 0) {
      const part = todo.shift() as string;
      if (part === '.' || part === '') continue;
      if (part === '..') {
        if (done.length === 0) {
          refuse(`"${raw}" resolves through a symlink out of the root`);
        }
        done.pop();
        continue;
      }
      const here = [...done, part].join('/');
      const node = this.lookup(here);
      if (node.type !== 'symlink') {
        done.push(part);
        continue;
      }
      if (++links > MAX_LINKS) refuse(`"${raw}": too many symlinks`);
      if (path.posix.isAbsolute(node.target)) {
        refuse(
          `"${raw}" is written through the symlink "${here}" to "${node.target}", which would leave the root`,
        );
      }
      todo.unshift(...node.target.split('/'));
    }
    return done;
  }

  /** Returns what is at a real (symlink-free) path now. */
  private lookup(rel: string): Node {
    const known = this.nodes.get(rel);
    if (known) return known;
    // Whiteouts and opaque markers are applied before any entry is written.
    const parts = rel.split('/');
    for (let i = parts.length - 1; i > 0; i--) {
      const above = parts.slice(0, i).join('/');
      if (this.removed.has(above) || this.opaque.has(above)) {
        return { type: 'absent' };
      }
    }
    if (this.removed.has(rel)) return { type: 'absent' };
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(path.join(this.rootfs, rel));
    } catch {
      return { type: 'absent' };
    }
    if (stat.isSymbolicLink()) {
      return {
        type: 'symlink',
        target: fs.readlinkSync(path.join(this.rootfs, rel)),
      };
    }
    return stat.isDirectory() ? { type: 'dir' } : { type: 'other' };
  }

  private markOpaque(dir: string[]): void {
    const rel = dir.join('/');
    this.opaque.add(rel);
    if (!this.nodes.has(rel)) this.nodes.set(rel, { type: 'dir' });
  }
}

/** Splits a member name, refusing absolute names and `..` parts. */
function memberParts(name: string, what = ''): string[] {
  const label = what ? `${what} "${name}"` : `"${name}"`;
  if (name.includes('\0')) refuse(`${label} holds a NUL byte`);
  if (name.startsWith('/')) refuse(`${label} is an absolute path`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) refuse(`${label} leaves the root with ".."`);
  return parts;
}

/** Pax keys that change how GNU tar reads an entry in ways tar-stream ignores. */
function checkPax(name: string, pax: unknown): void {
  if (!pax || typeof pax !== 'object') return;
  for (const key of Object.keys(pax)) {
    if (key.startsWith('GNU.sparse.')) {
      refuse(`"${name}" is a sparse file, which slipway does not apply`);
    }
  }
}

/**
 * tar-stream folds a global pax header only into entries that also carry
 * their own, while GNU tar applies it to every entry; refuse global paths.
 */
function checkGlobalHeader(extract: tar.Extract): void {
  const global = (extract as unknown as { _paxGlobal?: Record<string, string> })
    ._paxGlobal;
  if (!global) return;
  for (const key of ['path', 'linkpath', 'size']) {
    if (key in global) refuse(`a global pax header sets "${key}"`);
  }
}

function refuse(why: string): never {
  throw new UnsafeLayerError(why);
}
