// The result of a browser build as BuildKit's local exporter lays it out:
// the target's files, in one folder per platform (`linux_amd64/`) when
// several platforms are built, unless `platform-split=false` asks to merge.

import type { OutputSpec } from '../../../core/src/index.ts';
import {
  cloneTree,
  emptyDir,
  walkTree,
  type DirNode,
  type TreeNode,
} from './file-tree.ts';

/** One platform's built target. */
export interface PlatformTree {
  platform: string;
  tree: DirNode;
}

/**
 * Says whether results go in one folder per platform: the first local or
 * tar output's `platform-split`, else whenever several platforms are built.
 */
export function isPlatformSplit(
  outputs: OutputSpec[],
  platforms: number,
): boolean {
  const output = outputs.find((o) => o.type === 'local' || o.type === 'tar');
  const value = output?.attrs['platform-split'];
  if (value === undefined) return platforms > 1;
  if (/^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw new Error(`non-bool value for platform-split: ${value}`);
}

/** Returns the exported tree; trees are shared, not copied, when split. */
export function createLocalExport(
  targets: PlatformTree[],
  split: boolean,
): DirNode {
  if (split) {
    const root = emptyDir();
    for (const t of targets) {
      root.entries.set(t.platform.replaceAll('/', '_'), t.tree);
    }
    return root;
  }
  if (targets.length === 1) return targets[0]!.tree;
  checkConflicts(targets);
  const root = emptyDir();
  for (const t of targets) mergeInto(root, cloneTree(t.tree));
  return root;
}

/** Fails as BuildKit does when two platforms write the same file. */
function checkConflicts(targets: PlatformTree[]): void {
  const owners = new Map<string, string>();
  for (const t of targets) {
    walkTree(t.tree, (path, node) => {
      if (node.type === 'dir') return;
      const other = owners.get(path);
      if (other !== undefined && other !== t.platform) {
        throw new Error(
          `cannot overwrite ${path.slice(1)} from ${other} with ${t.platform} when split option is disabled`,
        );
      }
      owners.set(path, t.platform);
    });
  }
}

function mergeInto(into: DirNode, from: DirNode): void {
  for (const [name, node] of from.entries) {
    const have: TreeNode | undefined = into.entries.get(name);
    if (have?.type === 'dir' && node.type === 'dir') mergeInto(have, node);
    else into.entries.set(name, node);
  }
}
