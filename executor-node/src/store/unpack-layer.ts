// Applies one image layer to a root filesystem: checked first with tar-stream
// (layer-check.ts), then whiteouts and opaque folders, then GNU tar, which
// keeps device nodes, FIFOs, hard links, owners and xattrs (node's tar
// drops device nodes and xattrs).

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

import type { ImageLayer } from '../../../core/src/index.ts';
import { checkLayer, UnsafeLayerError } from './layer-check.ts';

/** execFile as a promise; child_process loads on first use, not at start. */
const run = (file: string, args: string[]) => promisify(execFile)(file, args);

/** Applies the layer file at `file` to the folder `rootfs`. */
export async function unpackLayer(
  file: string,
  layer: ImageLayer,
  rootfs: string,
): Promise<void> {
  const compression = compressionOf(layer.mediaType);
  const source = fs.createReadStream(file);
  const input =
    compression === 'gzip' ? source.pipe(zlib.createGunzip()) : source;
  let plan;
  try {
    plan = await checkLayer(input, rootfs);
  } catch (error) {
    if (error instanceof UnsafeLayerError) {
      throw new Error(`unsafe layer ${layer.digest}: ${error.message}`);
    }
    throw error;
  }

  // The plan's paths are free of symlinks, so these stay inside the root.
  for (const dir of plan.opaqueDirs) {
    const target = path.join(rootfs, dir);
    for (const name of safeReaddir(target)) {
      fs.rmSync(path.join(target, name), { recursive: true, force: true });
    }
  }
  for (const removed of [...plan.whiteouts, ...plan.replacedDirs]) {
    fs.rmSync(path.join(rootfs, removed), { recursive: true, force: true });
  }
  if (plan.entries === 0) return;

  await run('tar', [
    ...(compression === 'gzip' ? ['-z'] : []),
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
    '--exclude=.wh.*',
  ]);
}

function compressionOf(mediaType: string): 'gzip' | 'none' {
  if (mediaType.endsWith('gzip')) return 'gzip';
  if (mediaType.endsWith('.tar') || mediaType.endsWith('tar.v1')) return 'none';
  throw new Error(`unsupported layer media type "${mediaType}"`);
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
