// Reads CDI spec files from an ordered list of directories, the way BuildKit
// scans its spec dirs: `.json` and `.yaml` files, later directories win.

import fs from 'node:fs';
import path from 'node:path';

import type { CdiSpecFile } from '../../../core/src/index.ts';
import { isSpecFileName } from '../../../core/src/index.ts';

/** One directory to scan and how its files are shown to users. */
export interface SpecDirSource {
  dir: string;
  /** Directory name put in front of file names in messages; default `dir`. */
  shownAs?: string;
}

/** Reads the spec files of each directory, giving each the directory's index as priority. */
export async function readCdiSpecDirs(
  dirs: (string | SpecDirSource)[],
): Promise<CdiSpecFile[]> {
  const files: CdiSpecFile[] = [];
  for (const [priority, entry] of dirs.entries()) {
    const source = typeof entry === 'string' ? { dir: entry } : entry;
    for (const name of await listSpecNames(source.dir)) {
      const text = fs.readFileSync(path.join(source.dir, name), 'utf8');
      const shown = path.join(source.shownAs ?? source.dir, name);
      files.push({ path: shown, priority, text });
    }
  }
  return files;
}

async function listSpecNames(dir: string): Promise<string[]> {
  try {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    return entries
      .filter((entry) => !entry.isDirectory() && isSpecFileName(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A directory that does not exist simply holds no specs.
    if (code === 'ENOENT') return [];
    // A file named in place of a directory is one spec when its name says
    // so, as the CDI reference's directory walk does; '' joins to the file.
    if (code === 'ENOTDIR') return isSpecFileName(dir) ? [''] : [];
    throw error;
  }
}
