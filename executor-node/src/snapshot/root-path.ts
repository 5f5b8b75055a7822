// Resolves a container path to a host path inside a root filesystem, following
// symlinks as the container would see them, so nothing escapes the root.

import fs from 'node:fs';
import path from 'node:path';

const MAX_LINKS = 255;

/**
 * Returns the host path of `containerPath` under `root`; symlinks on the way
 * (and the last one when `followLast`) resolve inside the root.
 */
export function resolveInRoot(
  root: string,
  containerPath: string,
  followLast = true,
): string {
  const done: string[] = [];
  const todo = splitPath(containerPath);
  let links = 0;

  while (todo.length > 0) {
    const part = todo.shift() as string;
    if (part === '..') {
      done.pop();
      continue;
    }
    const host = path.join(root, ...done, part);
    const isLast = todo.length === 0;
    const target = isLast && !followLast ? undefined : readLink(host);
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) {
      throw new Error(`too many levels of symbolic links in ${containerPath}`);
    }
    if (path.posix.isAbsolute(target)) done.length = 0;
    todo.unshift(...splitPath(target));
  }
  return path.join(root, ...done);
}

/** Splits a path into its parts, dropping empty parts and `.`. */
function splitPath(p: string): string[] {
  return p.split('/').filter((part) => part !== '' && part !== '.');
}

function readLink(file: string): string | undefined {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
}
