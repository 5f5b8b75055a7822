// POSIX path helpers with Go's path.Clean and path.Join semantics, and
// BuildKit's rules for working directories and COPY destinations.

/** Cleans a path like Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Joins path elements like Go's path.Join. */
export function joinPath(...parts: string[]): string {
  const nonEmpty = parts.filter((p) => p !== '');
  return nonEmpty.length === 0 ? '' : cleanPath(nonEmpty.join('/'));
}

/**
 * Resolves a path against a parent directory as BuildKit's NormalizePath
 * does: absolute paths are kept as written, relative ones joined and cleaned.
 */
export function normalizePath(
  parent: string,
  newPath: string,
  keepSlash: boolean,
): string {
  let base = parent === '' ? '/' : parent;
  if (!base.startsWith('/')) base = joinPath('/', base);
  const orig = newPath;
  let out = newPath === '' ? base : newPath;
  if (!out.startsWith('/')) out = joinPath(base, out);
  if (keepSlash) {
    if (orig.endsWith('/') && !out.endsWith('/')) out += '/';
    else if (orig.endsWith('/.')) out = `${out === '/' ? '' : out}/.`;
  }
  return out;
}

/** Resolves a COPY destination against the working directory, keeping a trailing slash. */
export function resolveDestination(workdir: string, dest: string): string {
  if (dest.startsWith('/')) return normalizePath('/', dest, true);
  const relative = dest === '.' || dest === '' ? './' : dest;
  return normalizePath(workdir, relative, true);
}
