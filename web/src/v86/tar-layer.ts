// Reads OCI layer tarballs (ustar, GNU long names, PAX headers) and applies
// them to a file tree with the layer rules: whiteouts, opaque dirs, links.

import {
  ensureDir,
  lookup,
  pathParts,
  putNode,
  removeNode,
  type DirNode,
  type NodeMeta,
} from './file-tree.ts';

/** One entry of a tar archive. */
export interface TarEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname: string;
  major: number;
  minor: number;
  data: Uint8Array;
}

const TYPES: Record<string, TarEntry['type']> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

/** Lists the entries of an uncompressed tar archive. */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  const decoder = new TextDecoder();
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  let at = 0;
  while (at + 512 <= bytes.length) {
    const header = bytes.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const text = (from: number, len: number) => {
      const raw = header.subarray(from, from + len);
      const end = raw.indexOf(0);
      return decoder.decode(end < 0 ? raw : raw.subarray(0, end));
    };
    const num = (from: number, len: number) =>
      octal(header.subarray(from, from + len));
    const size = num(124, 12);
    const flag = String.fromCharCode(header[156]!);
    const data = bytes.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;

    if (flag === 'L') longName = decoder.decode(data).replace(/\0.*$/s, '');
    else if (flag === 'K')
      longLink = decoder.decode(data).replace(/\0.*$/s, '');
    else if (flag === 'x') pax = { ...pax, ...parsePax(decoder.decode(data)) };
    else if (flag === 'g') continue;
    else {
      const type = TYPES[flag];
      const prefix = text(345, 155);
      const name =
        longName ??
        pax.path ??
        (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
      if (type) {
        entries.push({
          path: name,
          type,
          mode: num(100, 8) & 0o7777,
          uid: pax.uid !== undefined ? Number(pax.uid) : num(108, 8),
          gid: pax.gid !== undefined ? Number(pax.gid) : num(116, 8),
          mtime:
            pax.mtime !== undefined
              ? Math.floor(Number(pax.mtime))
              : num(136, 12),
          linkname: longLink ?? pax.linkpath ?? text(157, 100),
          major: num(329, 8),
          minor: num(337, 8),
          data,
        });
      }
      longName = undefined;
      longLink = undefined;
      pax = {};
    }
  }
  return entries;
}

function octal(field: Uint8Array): number {
  if (field[0]! & 0x80) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = new TextDecoder().decode(field).replace(/[\0 ]+/g, '');
  return text ? Number.parseInt(text, 8) : 0;
}

function parsePax(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const record of text.split('\n')) {
    const space = record.indexOf(' ');
    const eq = record.indexOf('=');
    if (space < 0 || eq < 0) continue;
    out[record.slice(space + 1, eq)] = record.slice(eq + 1);
  }
  return out;
}

/** Applies one layer's entries to `root`, handling whiteouts and links. */
export function applyLayer(root: DirNode, entries: TarEntry[]): void {
  for (const entry of entries) {
    const parts = pathParts(entry.path);
    const base = parts.pop();
    if (base === undefined) continue;
    const dirPath = `/${parts.join('/')}`;
    if (base === '.wh..wh..opq') {
      const dir = lookup(root, dirPath);
      if (dir?.node.type === 'dir') dir.node.entries.clear();
      continue;
    }
    if (base.startsWith('.wh.')) {
      removeNode(root, `${dirPath}/${base.slice(4)}`);
      continue;
    }
    const path = `${dirPath}/${base}`;
    const meta: NodeMeta = {
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      mtime: entry.mtime,
    };
    switch (entry.type) {
      case 'dir': {
        const existing = lookup(root, path, false)?.node;
        if (existing?.type === 'dir') Object.assign(existing, meta);
        else putNode(root, path, { type: 'dir', ...meta, entries: new Map() });
        break;
      }
      case 'file':
        ensureDir(root, dirPath);
        putNode(root, path, {
          type: 'file',
          ...meta,
          data: entry.data.slice(),
        });
        break;
      case 'symlink':
        putNode(root, path, {
          type: 'symlink',
          ...meta,
          target: entry.linkname,
        });
        break;
      case 'hardlink': {
        const target = lookup(root, `/${entry.linkname}`, false)?.node;
        if (target?.type === 'file') putNode(root, path, { ...target });
        break;
      }
      default:
        putNode(root, path, {
          type: 'special',
          ...meta,
          kind: entry.type,
          major: entry.major,
          minor: entry.minor,
        });
    }
  }
}
