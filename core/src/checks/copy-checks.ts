// CopyIgnoredFile: a COPY or ADD source from the build context that the
// context's `.dockerignore` excludes, so the step would find nothing there.

import type { Range } from '../model/diagnostic.ts';
import { cleanPath } from '../util/posix-path.ts';
import type { IgnoreMatcher } from '../context/dockerignore.ts';
import type { Linter } from './linter.ts';
import { COPY_IGNORED_FILE } from './rules.ts';

/** Patterns that ignore every entry of the context root, so `.` too. */
const ROOT_PATTERNS = new Set(['*', '**', '**/*']);

/**
 * Reports each local source of a COPY or ADD from the build context (not
 * `--from`) that `.dockerignore` excludes. Nothing is reported without an
 * ignore file or when it has `!` exceptions: a folder may be excluded while
 * a file inside it is let back in, which cannot be told without the files.
 */
export function checkCopyIgnored(
  lint: Linter,
  instruction: 'COPY' | 'ADD',
  sources: readonly string[],
  range: Range,
): void {
  const ignore = lint.ignore;
  if (!ignore || ignore.patterns.some((p) => p.startsWith('!'))) return;
  const command = instruction === 'ADD' ? 'Add' : 'Copy';
  for (const source of sources) {
    if (isRemoteSource(source)) continue;
    const path = cleanPath(source);
    if ((path === '.' || path === '/') && !ignoresRoot(ignore)) continue;
    if (!ignore.excludes(path)) continue;
    const rule = COPY_IGNORED_FILE;
    lint.run(rule, range, rule.format(command, path), true);
  }
}

// URLs and Git repositories are fetched, never read from the context.
function isRemoteSource(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || source.startsWith('git@');
}

function ignoresRoot(ignore: IgnoreMatcher): boolean {
  return ignore.patterns.some((pattern) => ROOT_PATTERNS.has(pattern));
}
