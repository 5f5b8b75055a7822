// Writes layer entries as a POSIX tar with tar-stream: owners and modes as
// stored, device numbers, hard links within the archive, xattrs as raw pax
// records, and whiteout markers; no atime/ctime, so equal trees give equal bytes.

import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';

import tar from 'tar-stream';

import { deviceMajor, deviceMinor } from '../runtime/oci-spec.ts';
import type { LayerEntry } from './layer-entries.ts';
import type { XattrMap } from './xattrs.ts';

/** How entries are written. */
export interface TarWriteOptions {
  /** Prepended to every name, e.g. `linux_amd64/`. */
  prefix?: string;
  /** Latest modification time written, in seconds (SOURCE_DATE_EPOCH). */
  clampMtime?: number;
}

/** A tar-stream header as this module fills it. */
type TarHeader = Partial<tar.Header> & { name: string };

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
const USTAR_ID_MAX = 0o7777777;

/** Appends entries to a tar-stream pack (it is not finalized). */
export async function packEntries(
  pack: tar.Pack,
  entries: LayerEntry[],
  xattrs: XattrMap,
  options: TarWriteOptions = {},
): Promise<void> {
  const prefix = options.prefix ?? '';
  const links = new Map<string, string>();
  for (const entry of entries) {
    if (entry.kind === 'whiteout') {
      await marker(pack, prefix + withBase(entry.path, WHITEOUT));
      continue;
    }
    if (entry.kind === 'opaque') {
      await marker(pack, `${prefix}${entry.path}/${OPAQUE}`);
      continue;
    }
    const name = prefix + entry.path;
    const header = headerOf(entry, name, options);
    const inode = `${entry.stat.dev}:${entry.stat.ino}`;
    const first = links.get(inode);
    if (first !== undefined && !entry.stat.isDirectory()) {
      header.type = 'link';
      header.linkname = first;
      header.size = 0;
    } else if (entry.stat.nlink > 1n && !entry.stat.isDirectory()) {
      links.set(inode, name);
    }
    await write(pack, header, attrsFor(xattrs, entry.path), entry.host);
  }
}

function headerOf(
  entry: Extract<LayerEntry, { kind: 'node' }>,
  name: string,
  options: TarWriteOptions,
): TarHeader {
  const { stat } = entry;
  let seconds = Number(stat.mtimeMs / 1000n);
  if (options.clampMtime !== undefined) {
    seconds = Math.min(seconds, options.clampMtime);
  }
  const header: TarHeader = {
    name,
    mode: Number(stat.mode & 0o7777n),
    uid: Number(stat.uid),
    gid: Number(stat.gid),
    mtime: new Date(seconds * 1000),
    size: 0,
  };
  if (stat.isDirectory()) header.type = 'directory';
  else if (stat.isSymbolicLink()) {
    header.type = 'symlink';
    header.linkname = fs.readlinkSync(entry.host);
  } else if (stat.isCharacterDevice() || stat.isBlockDevice()) {
    header.type = stat.isCharacterDevice()
      ? 'character-device'
      : 'block-device';
    header.devmajor = deviceMajor(Number(stat.rdev));
    header.devminor = deviceMinor(Number(stat.rdev));
  } else if (stat.isFIFO()) header.type = 'fifo';
  else {
    header.type = 'file';
    header.size = Number(stat.size);
  }
  return header;
}

/** Returns the xattrs a tar should carry (never overlayfs's own). */
function attrsFor(xattrs: XattrMap, rel: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [key, value] of xattrs.get(rel) ?? []) {
    if (key.startsWith('trusted.overlay.') || key.startsWith('user.overlay.'))
      continue;
    out.set(key, value);
  }
  return out;
}

async function marker(pack: tar.Pack, name: string): Promise<void> {
  await write(
    pack,
    { name, type: 'file', mode: 0, size: 0, mtime: new Date(0) },
    new Map(),
  );
}

/**
 * Writes one entry, with a pax header of our own when the name, link, ids or
 * xattrs do not fit ustar: tar-stream encodes pax values as text, which
 * would corrupt binary xattrs such as `security.capability`.
 */
async function write(
  pack: tar.Pack,
  header: TarHeader,
  xattrs: Map<string, Buffer>,
  host?: string,
): Promise<void> {
  const records: [string, Buffer][] = [];
  const name = header.type === 'directory' ? `${header.name}/` : header.name;
  if (!fitsUstarName(name)) records.push(['path', Buffer.from(name)]);
  const linkname = header.linkname;
  if (linkname !== undefined && !fitsField(linkname, 100))
    records.push(['linkpath', Buffer.from(linkname)]);
  for (const id of ['uid', 'gid'] as const) {
    const value = header[id] ?? 0;
    if (value > USTAR_ID_MAX) {
      records.push([id, Buffer.from(String(value))]);
      header[id] = 0;
    }
  }
  for (const [key, value] of [...xattrs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    records.push([`SCHILY.xattr.${key}`, value]);
  }

  if (records.length > 0) {
    pushPaxHeader(pack, paxName(name), encodePax(records), header.mtime);
    header.name = placeholder(header.name);
    if (linkname && !fitsField(linkname, 100)) {
      header.linkname = placeholder(linkname);
    }
  }

  if (header.type === 'file' && host && (header.size ?? 0) > 0) {
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry(header as tar.Header, (error) =>
        error ? reject(error) : resolve(),
      );
      pipeline(fs.createReadStream(host), sink).catch(reject);
    });
    return;
  }
  await entry(pack, header);
}

function entry(
  pack: tar.Pack,
  header: TarHeader,
  body?: Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    const raw = header as tar.Header;
    // A file entry without a body would wait for one: give it an empty one.
    const fileLike = raw.type === 'file' || raw.type === 'contiguous-file';
    const content = body ?? (fileLike ? Buffer.alloc(0) : undefined);
    if (content) pack.entry(raw, content, done);
    else pack.entry(raw, done);
  });
}

/**
 * Pushes a pax extended header (typeflag `x`) straight into the archive.
 * tar-stream refuses a body for non-file entries and writes its own pax
 * values as text, so this block is made here; entries are written one at a
 * time, so the archive is between entries when it is called.
 */
export function pushPaxHeader(
  pack: tar.Pack,
  name: string,
  body: Buffer,
  mtime = new Date(0),
): void {
  const block = Buffer.alloc(512);
  block.write(name.slice(0, 99), 0, 'ascii');
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, body.length);
  writeOctal(block, 136, 12, Math.floor(mtime.getTime() / 1000));
  block.write('x', 156, 'ascii');
  block.write('ustar\0', 257, 'binary');
  block.write('00', 263, 'ascii');
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  writeOctal(block, 148, 7, sum);
  block[155] = 0x20;
  const padding = (512 - (body.length % 512)) % 512;
  pack.push(Buffer.concat([block, body, Buffer.alloc(padding)]));
}

function writeOctal(block: Buffer, at: number, size: number, value: number) {
  const text = value.toString(8).padStart(size - 1, '0');
  block.write(`${text}\0`, at, size, 'ascii');
}

/** Encodes pax records (`<len> <key>=<value>\n`, len counting itself). */
export function encodePax(records: [string, Buffer][]): Buffer {
  const parts = records.map(([key, value]) => {
    const rest = Buffer.concat([
      Buffer.from(` ${key}=`),
      value,
      Buffer.from('\n'),
    ]);
    let length = rest.length + String(rest.length).length;
    if (String(length).length !== String(rest.length).length) {
      length = rest.length + String(length).length;
    }
    return Buffer.concat([Buffer.from(String(length)), rest]);
  });
  return Buffer.concat(parts);
}

function withBase(rel: string, prefix: string): string {
  const at = rel.lastIndexOf('/');
  return at < 0
    ? prefix + rel
    : `${rel.slice(0, at + 1)}${prefix}${rel.slice(at + 1)}`;
}

/** Mirrors tar-stream's ustar split: name ≤ 100 bytes, or prefix ≤ 155 + name. */
function fitsUstarName(name: string): boolean {
  if (Buffer.byteLength(name) !== name.length) return false;
  if (name.length <= 100) return true;
  let rest = name;
  while (rest.length > 100) {
    const at = rest.indexOf('/');
    if (at === -1) return false;
    rest = rest.slice(at + 1);
  }
  return name.length - rest.length - 1 <= 155;
}

function fitsField(value: string, size: number): boolean {
  return Buffer.byteLength(value) === value.length && value.length < size;
}

function paxName(name: string): string {
  return placeholder(`PaxHeaders/${name.replace(/\/$/, '')}`);
}

/** An ASCII stand-in of at most 90 bytes; the pax record holds the real text. */
function placeholder(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '_').slice(-90);
}
