// Applies one image layer to a root filesystem: OCI whiteouts first, then GNU
// tar (which keeps device nodes, owners and xattrs, unlike node's tar).

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

import tar from 'tar-stream';

import type { ImageLayer } from '../../../core/src/index.ts';

const run = promisify(execFile);
const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** What a layer holds that needs care before extraction. */
interface LayerScan {
  whiteouts: string[];
  opaqueDirs: string[];
  members: { name: string; type: string; linkname?: string }[];
}

/** Applies the layer file at `file` to the folder `rootfs`. */
export async function unpackLayer(
  file: string,
  layer: ImageLayer,
  rootfs: string,
): Promise<void> {
  const compression = compressionOf(layer.mediaType);
  const scan = await scanLayer(file, compression);
  checkMembers(scan, rootfs, layer.digest);

  for (const dir of scan.opaqueDirs) {
    const target = path.join(rootfs, dir);
    for (const name of safeReaddir(target)) {
      fs.rmSync(path.join(target, name), { recursive: true, force: true });
    }
  }
  for (const removed of scan.whiteouts) {
    fs.rmSync(path.join(rootfs, removed), { recursive: true, force: true });
  }

  const flag = compression === 'gzip' ? ['-z'] : [];
  await run('tar', [
    ...flag,
    '-x',
    '-f',
    file,
    '-C',
    rootfs,
    '--numeric-owner',
    '--same-owner',
    '--same-permissions',
    '--xattrs',
    '--xattrs-include=*',
    `--exclude=${WHITEOUT}*`,
  ]);
}

function compressionOf(mediaType: string): 'gzip' | 'none' {
  if (mediaType.endsWith('gzip')) return 'gzip';
  if (mediaType.endsWith('.tar') || mediaType.endsWith('tar.v1')) return 'none';
  throw new Error(`unsupported layer media type "${mediaType}"`);
}

async function scanLayer(
  file: string,
  compression: 'gzip' | 'none',
): Promise<LayerScan> {
  const scan: LayerScan = { whiteouts: [], opaqueDirs: [], members: [] };
  const extract = tar.extract();
  const source = fs.createReadStream(file);
  const input =
    compression === 'gzip' ? source.pipe(zlib.createGunzip()) : source;
  const fed = pipeline(input, extract);
  for await (const entry of extract) {
    const header = entry.header;
    const name = cleanMember(header.name);
    const base = path.posix.basename(name);
    const dir = path.posix.dirname(name);
    if (base === OPAQUE) scan.opaqueDirs.push(dir);
    else if (base.startsWith(WHITEOUT)) {
      scan.whiteouts.push(path.posix.join(dir, base.slice(WHITEOUT.length)));
    } else {
      scan.members.push({
        name,
        type: header.type ?? 'file',
        linkname: header.linkname ?? undefined,
      });
    }
    entry.resume();
  }
  await fed;
  return scan;
}

/**
 * Refuses members that would be written through a symlink pointing out of
 * the root: GNU tar follows symlinks already on disk.
 */
function checkMembers(scan: LayerScan, rootfs: string, digest: string): void {
  const layerLinks = new Map<string, string>();
  const unsafe = new Map<string, boolean>();
  const isUnsafeLink = (dir: string): boolean => {
    let known = unsafe.get(dir);
    if (known !== undefined) return known;
    const target = layerLinks.get(dir) ?? readLink(path.join(rootfs, dir));
    known = target !== undefined && escapesRoot(dir, target);
    unsafe.set(dir, known);
    return known;
  };

  for (const member of scan.members) {
    if (member.name.split('/').includes('..')) {
      throw new Error(`unsafe layer ${digest}: member "${member.name}"`);
    }
    const parts = member.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (isUnsafeLink(dir)) {
        throw new Error(
          `unsafe layer ${digest}: "${member.name}" is written through the symlink "${dir}"`,
        );
      }
    }
    if (member.type === 'symlink' && member.linkname !== undefined) {
      layerLinks.set(member.name, member.linkname);
      unsafe.delete(member.name);
    }
  }
}

function escapesRoot(linkPath: string, target: string): boolean {
  if (path.posix.isAbsolute(target)) return true;
  const resolved = path.posix.normalize(
    path.posix.join(path.posix.dirname(linkPath), target),
  );
  return resolved === '..' || resolved.startsWith('../');
}

function readLink(file: string): string | undefined {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
}

function cleanMember(name: string): string {
  return path.posix
    .normalize(name)
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '')
    .replace(/\/$/, '');
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
