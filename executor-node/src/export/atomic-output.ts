// Writes exporter outputs so a reader never sees half of one: files and
// folders are made under a temporary sibling name and renamed into place;
// `-` streams to the given stdout instead.

import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

import tar from 'tar-stream';

import type { LayoutFile } from './image-layout.ts';

/** A byte sink for `dest=-`. */
export type OutputStream = NodeJS.WritableStream;

/**
 * Streams a tar filled by `fill` to `dest` (a file, replaced atomically) or
 * to `stdout` for `-`.
 */
export async function writeTarOutput(
  dest: string,
  stdout: OutputStream,
  fill: (pack: tar.Pack) => Promise<void>,
): Promise<void> {
  if (dest === '-') {
    await drainInto(fill, stdout);
    return;
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = tempSibling(dest);
  const file = fs.createWriteStream(tmp);
  try {
    await drainInto(fill, file);
    file.end();
    await once(file, 'close');
    fs.renameSync(tmp, dest);
  } catch (error) {
    file.destroy();
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

/** Adds layout files to a tar, with fixed times and modes. */
export async function packLayout(
  pack: tar.Pack,
  files: LayoutFile[],
): Promise<void> {
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      await entry(pack, { name: dir, type: 'directory', mode: 0o755 });
    }
    const header: tar.Header = {
      name: file.path,
      type: 'file',
      mode: 0o644,
      size: file.size,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    } as tar.Header;
    if (file.bytes) {
      await entry(pack, header, file.bytes);
      continue;
    }
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry(header, (error) =>
        error ? reject(error) : resolve(),
      );
      fs.createReadStream(file.file as string)
        .on('error', reject)
        .pipe(sink);
    });
  }
}

/** Writes layout files into the folder `dest`, replacing it as a whole. */
export function writeLayoutDir(files: LayoutFile[], dest: string): void {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = tempSibling(dest);
  try {
    for (const file of files) {
      const target = path.join(tmp, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (file.bytes) fs.writeFileSync(target, file.bytes);
      else
        fs.copyFileSync(
          file.file as string,
          target,
          fs.constants.COPYFILE_FICLONE,
        );
    }
    replaceDir(tmp, dest);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Puts the folder `tmp` at `dest`, moving an existing `dest` aside first. */
export function replaceDir(tmp: string, dest: string): void {
  if (!fs.existsSync(dest)) {
    fs.renameSync(tmp, dest);
    return;
  }
  const old = tempSibling(dest);
  fs.renameSync(dest, old);
  fs.renameSync(tmp, dest);
  fs.rmSync(old, { recursive: true, force: true });
}

/** Returns an unused name beside `dest`. */
export function tempSibling(dest: string): string {
  return `${dest}.slipway-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
}

async function drainInto(
  fill: (pack: tar.Pack) => Promise<void>,
  out: OutputStream,
): Promise<void> {
  const pack = tar.pack();
  let failure: unknown;
  const filled = fill(pack).then(
    () => pack.finalize(),
    (error: Error) => {
      failure = error;
      pack.destroy(error);
    },
  );
  try {
    for await (const chunk of pack) {
      if (!out.write(chunk as Buffer)) await once(out, 'drain');
    }
  } catch (error) {
    await filled;
    throw failure ?? error;
  }
  await filled;
  if (failure) throw failure;
}

function entry(
  pack: tar.Pack,
  header: Partial<tar.Header> & { name: string },
  body?: Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    const full = { mtime: new Date(0), uid: 0, gid: 0, ...header };
    if (body) pack.entry(full, body, done);
    else pack.entry(full, done);
  });
}
