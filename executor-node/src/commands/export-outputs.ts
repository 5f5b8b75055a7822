// Writes a finished build's root filesystems where `--output` asks: the local
// exporter (a folder, split per platform) and the tar exporter (one tarball).

import { createWriteStream } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  symlink,
} from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';

import tar from 'tar-stream';

import type { OutputSpec } from '../../../core/src/index.ts';
import { logger } from '../logger.ts';

/** One platform's result folder. */
export interface ExportSource {
  platform: string;
  rootfs: string;
}

/** Exports `sources` to every output; relative destinations resolve against `cwd`. */
export async function exportOutputs(
  outputs: OutputSpec[],
  sources: ExportSource[],
  options: { cwd: string; multiPlatform: boolean; stdout?: Writable },
): Promise<void> {
  for (const output of outputs) {
    const split = output.attrs['platform-split'];
    const platformSplit =
      split === undefined ? options.multiPlatform : split === 'true';
    const entries = await collectEntries(sources, platformSplit);

    if (output.type === 'cacheonly') continue;
    if (output.type === 'local') {
      const dest = requireDest(output);
      await writeLocal(entries, path.resolve(options.cwd, dest));
    } else if (output.type === 'tar') {
      const dest = requireDest(output);
      const stream =
        dest === '-'
          ? (options.stdout ?? process.stdout)
          : createWriteStream(path.resolve(options.cwd, dest));
      await writeTar(entries, stream);
    } else {
      throw new Error(`exporter "${output.type}" is not supported by slipway`);
    }
  }
}

/** Converts a platform to the folder name BuildKit's local exporter uses (`linux_arm64`). */
export function platformFolder(platform: string): string {
  return platform.replaceAll('/', '_');
}

interface Entry {
  /** Path inside the export, `/`-separated, no leading slash. */
  name: string;
  source: string;
  kind: 'dir' | 'file' | 'symlink';
  mode: number;
  platform: string;
}

async function collectEntries(
  sources: ExportSource[],
  platformSplit: boolean,
): Promise<Entry[]> {
  const entries: Entry[] = [];
  const owners = new Map<string, string>();
  for (const source of sources) {
    const prefix = platformSplit ? platformFolder(source.platform) : '';
    if (prefix) {
      entries.push({
        name: prefix,
        source: source.rootfs,
        kind: 'dir',
        mode: 0o755,
        platform: source.platform,
      });
    }
    for (const entry of await walk(source.rootfs, prefix, source.platform)) {
      const owner = owners.get(entry.name);
      if (owner && owner !== source.platform && entry.kind !== 'dir') {
        throw new Error(
          `cannot overwrite ${entry.name} from ${owner} with ${source.platform} when split option is disabled`,
        );
      }
      owners.set(entry.name, source.platform);
      entries.push(entry);
    }
  }
  return entries;
}

async function walk(
  root: string,
  prefix: string,
  platform: string,
): Promise<Entry[]> {
  const found: Entry[] = [];
  const visit = async (dir: string, rel: string) => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const source = path.join(dir, name);
      const entryName = rel ? `${rel}/${name}` : name;
      const info = await lstat(source);
      const mode = info.mode & 0o7777;
      if (info.isDirectory()) {
        found.push({ name: entryName, source, kind: 'dir', mode, platform });
        await visit(source, entryName);
      } else if (info.isFile()) {
        found.push({ name: entryName, source, kind: 'file', mode, platform });
      } else if (info.isSymbolicLink()) {
        found.push({
          name: entryName,
          source,
          kind: 'symlink',
          mode,
          platform,
        });
      } else {
        logger.debug('export', `skipping special file ${source}`);
      }
    }
  };
  await visit(root, prefix);
  return found;
}

async function writeLocal(entries: Entry[], dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  for (const entry of entries) {
    const target = path.join(dest, entry.name);
    if (entry.kind === 'dir') {
      await mkdir(target, { recursive: true });
    } else if (entry.kind === 'file') {
      await copyFile(entry.source, target);
    } else {
      await symlink(await readlink(entry.source), target).catch(
        async (error) => {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        },
      );
    }
  }
}

async function writeTar(entries: Entry[], stream: Writable): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack, stream);
  for (const entry of entries) {
    if (entry.kind === 'dir') {
      pack.entry({
        name: `${entry.name}/`,
        type: 'directory',
        mode: entry.mode,
      });
    } else if (entry.kind === 'file') {
      const content = await readFile(entry.source);
      pack.entry({ name: entry.name, type: 'file', mode: entry.mode }, content);
    } else {
      const linkname = await readlink(entry.source);
      pack.entry({
        name: entry.name,
        type: 'symlink',
        linkname,
        mode: entry.mode,
      });
    }
  }
  pack.finalize();
  await done;
}

function requireDest(output: OutputSpec): string {
  if (!output.dest) throw new Error(`output type=${output.type} needs a dest`);
  return output.dest;
}
