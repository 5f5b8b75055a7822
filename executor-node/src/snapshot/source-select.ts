// Finds what a COPY source names in a source root: a literal path (symlinks
// followed inside the root) or a wildcard pattern matched part by part.

import fs from 'node:fs';
import path from 'node:path';

import { createIgnoreMatcher } from '../../../core/src/index.ts';

import { resolveInRoot } from './root-path.ts';

/** One source entry found: its path relative to the root and on the host. */
export interface SourceMatch {
  rel: string;
  host: string;
  /** The source as written had wildcards. */
  wildcard: boolean;
}

/** Says whether a relative path is left out (`.dockerignore`, `--exclude`). */
export type PathFilter = (rel: string) => boolean;

/**
 * Says whether an entry is left out, given its path from the source root and
 * from the matched source (what `--exclude` patterns are matched against).
 */
export type EntryFilter = (rel: string, inner: string) => boolean;

/**
 * Combines a root-relative filter with `--exclude` patterns, matched with
 * `.dockerignore`'s rules; throws BuildKit's error for a bad pattern.
 */
export function createEntryFilter(
  ignored: PathFilter | undefined,
  exclude: string[],
): EntryFilter {
  let rules: ((inner: string) => boolean) | undefined;
  if (exclude.length > 0) {
    const compiled = createIgnoreMatcher(exclude);
    if (!compiled.ok) throw new Error(compiled.error);
    rules = (inner) => compiled.matcher.excludes(inner);
  }
  return (rel, inner) => (ignored?.(rel) ?? false) || (rules?.(inner) ?? false);
}

/** Returns the matches of every source, failing as BuildKit does on none. */
export function selectSources(
  root: string,
  sources: string[],
  excluded: PathFilter = () => false,
): SourceMatch[] {
  const matches: SourceMatch[] = [];
  for (const source of sources) {
    const rel = cleanRel(source);
    const found = hasWildcard(rel)
      ? matchPattern(root, rel, excluded)
      : matchLiteral(root, rel, excluded);
    if (found.length === 0) throw notFound(source);
    matches.push(...found);
  }
  return matches;
}

/** Builds BuildKit's error for a source that matched nothing. */
export function notFound(source: string): Error {
  const shown = `/${cleanRel(source)}`.replace(/^\/\.$/, '/');
  return new Error(
    `failed to compute cache key: failed to calculate checksum of ref: "${shown}": not found`,
  );
}

/** Strips leading slashes and `./`, normalising to a root-relative path. */
export function cleanRel(p: string): string {
  const normal = path.posix.normalize(`/${p}`).replace(/^\/+/, '');
  return normal === '' ? '.' : normal.replace(/\/$/, '');
}

function matchLiteral(
  root: string,
  rel: string,
  excluded: PathFilter,
): SourceMatch[] {
  if (rel !== '.' && excluded(rel)) return [];
  const host = rel === '.' ? root : resolveInRoot(root, rel);
  return fs.existsSync(host) ? [{ rel, host, wildcard: false }] : [];
}

function matchPattern(
  root: string,
  pattern: string,
  excluded: PathFilter,
): SourceMatch[] {
  let current = ['.'];
  for (const part of pattern.split('/')) {
    const next: string[] = [];
    const re = hasWildcard(part) ? patternToRegExp(part) : undefined;
    for (const dir of current) {
      const hostDir = dir === '.' ? root : resolveInRoot(root, dir);
      if (!re) {
        const rel = dir === '.' ? part : `${dir}/${part}`;
        if (fs.existsSync(path.join(hostDir, part))) next.push(rel);
        continue;
      }
      for (const name of readdirSorted(hostDir)) {
        if (re.test(name)) next.push(dir === '.' ? name : `${dir}/${name}`);
      }
    }
    current = next;
  }
  return current
    .filter((rel) => !excluded(rel))
    .map((rel) => ({ rel, host: resolveInRoot(root, rel), wildcard: true }));
}

function hasWildcard(p: string): boolean {
  return /[*?[]/.test(p);
}

/** Converts one path part of a Go `filepath.Match` pattern to a RegExp. */
export function patternToRegExp(part: string): RegExp {
  let out = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < part.length)
      out += escapeRe(part[++i] as string);
    else if (c === '[') {
      const end = part.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = part.slice(i + 1, end);
      if (body.startsWith('^')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else out += escapeRe(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function readdirSorted(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}
