// Opens what a user dropped as an image archive: a tar (gzip or not) or a
// folder, as files by path with tar links followed.

import type { DroppedItems } from '../dropped-files.ts';
import { gunzip, isGzip } from './image-store.ts';
import { readTar } from './tar-layer.ts';

/** The files of a layout or archive by path, e.g. `blobs/sha256/ab…`. */
export interface ArchiveFiles {
  /** What the user dropped, to name in messages. */
  label: string;
  files: Map<string, Uint8Array>;
}

/** Turns a dropped tar (gzip or not) or folder into files by path. */
export async function openArchive(items: DroppedItems): Promise<ArchiveFiles> {
  if (items.files.length === 1 && !items.folder) {
    const file = items.files[0]!;
    let bytes = file.data;
    if (isGzip(bytes)) bytes = await gunzip(bytes);
    if (!isTar(bytes)) {
      throw new Error(
        `${file.path}: not a tar archive or an OCI image layout folder`,
      );
    }
    return { label: file.path, files: tarFiles(bytes) };
  }
  const markers = items.files
    .map((f) => f.path)
    .filter((p) => /(^|\/)(oci-layout|index\.json|manifest\.json)$/.test(p))
    .sort((a, b) => a.split('/').length - b.split('/').length);
  const root = markers[0]?.replace(/[^/]*$/, '') ?? '';
  const files = new Map<string, Uint8Array>();
  for (const f of items.files) {
    if (f.path.startsWith(root)) files.set(f.path.slice(root.length), f.data);
  }
  const label = root ? root.replace(/\/$/, '') : items.label;
  return { label, files };
}

/** Parses a JSON file of the archive, naming it when it is missing or bad. */
export function readJson<T>(archive: ArchiveFiles, path: string): T {
  const bytes = archive.files.get(path);
  if (!bytes) throw new Error(`${archive.label}/${path}: missing`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (error) {
    throw new Error(
      `${archive.label}/${path}: not JSON: ${(error as Error).message}`,
    );
  }
}

function isTar(bytes: Uint8Array): boolean {
  const magic = new TextDecoder().decode(bytes.subarray(257, 262));
  return bytes.length >= 512 && magic === 'ustar';
}

/** Collects a tar's files by clean path; links point at their targets. */
function tarFiles(bytes: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const links: [string, string][] = [];
  for (const entry of readTar(bytes)) {
    const path = cleanArchivePath(entry.path);
    if (entry.type === 'file') files.set(path, entry.data);
    else if (entry.type === 'hardlink') {
      links.push([path, cleanArchivePath(entry.linkname)]);
    } else if (entry.type === 'symlink') {
      const dir = path.includes('/') ? path.replace(/\/[^/]*$/, '/') : '';
      const target = entry.linkname.startsWith('/')
        ? entry.linkname
        : `${dir}${entry.linkname}`;
      links.push([path, cleanArchivePath(target)]);
    }
  }
  for (const [path, target] of links) {
    const data = files.get(target);
    if (data) files.set(path, data);
  }
  return files;
}

function cleanArchivePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
