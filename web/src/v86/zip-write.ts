// Packs a file tree as a zip archive (fflate) for the playground's download:
// Unix modes kept, symlinks as Unix symlink entries, sorted by path.

import { zipSync, type ZipOptions, type Zippable } from 'fflate';
import { walkTree, type DirNode, type TreeNode } from './file-tree.ts';

// Zip stores MS-DOS dates, which start in 1980; a day's margin keeps the
// earliest date valid in every time zone.
const EARLIEST_MS = Date.UTC(1980, 0, 2);
const UNIX = 3;
const DOS_DIRECTORY = 0x10;
const TYPE_BITS = { dir: 0o040000, file: 0o100000, symlink: 0o120000 };

/**
 * Returns `tree` as a zip archive with paths relative to its root. Device
 * nodes and FIFOs have no zip form and are left out.
 */
export function writeZip(tree: DirNode): Uint8Array {
  const entries: Zippable = {};
  walkTree(tree, (path, node) => {
    const entry = zipEntry(node);
    if (!entry) return;
    const name = node.type === 'dir' ? `${path.slice(1)}/` : path.slice(1);
    entries[name] = entry;
  });
  return zipSync(entries);
}

function zipEntry(node: TreeNode): [Uint8Array, ZipOptions] | undefined {
  if (node.type === 'special') return undefined;
  const mode = TYPE_BITS[node.type] | (node.mode & 0o7777);
  const options: ZipOptions = {
    os: UNIX,
    attrs: (mode << 16) | (node.type === 'dir' ? DOS_DIRECTORY : 0),
    mtime: Math.max(node.mtime * 1000, EARLIEST_MS),
  };
  if (node.type === 'dir') return [new Uint8Array(0), options];
  if (node.type === 'symlink') {
    return [new TextEncoder().encode(node.target), { ...options, level: 0 }];
  }
  return [node.data, options];
}
