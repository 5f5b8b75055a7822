// `.dockerignore` as BuildKit reads it: lines to cleaned patterns, and a
// matcher that excludes a path when it or one of its parents matches.

import { cleanPath } from '../util/posix-path.ts';

/** A compiled `.dockerignore`: which context paths are left out. */
export interface IgnoreMatcher {
  /** The patterns as read, `!` kept. */
  patterns: string[];
  /** Says whether a context-relative path (`src/a.c`) is left out. */
  excludes(path: string): boolean;
}

/** The result of compiling patterns; `error` is BuildKit's text. */
export type IgnoreMatcherResult =
  { ok: true; matcher: IgnoreMatcher } | { ok: false; error: string };

interface Pattern {
  exclusion: boolean;
  regexp: RegExp;
}

/**
 * Reads `.dockerignore` text into patterns: comments and blank lines
 * dropped, each pattern cleaned and made relative, `!` kept in front.
 */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) {
        pattern = pattern.slice(1);
      }
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** Compiles patterns into a matcher, failing on BuildKit's bad patterns. */
export function createIgnoreMatcher(patterns: string[]): IgnoreMatcherResult {
  const compiled: Pattern[] = [];
  for (const raw of patterns) {
    let text = raw.trim();
    if (text === '') continue;
    text = cleanPath(text);
    const exclusion = text.startsWith('!');
    if (exclusion) {
      if (text.length === 1) {
        return { ok: false, error: 'illegal exclusion pattern: "!"' };
      }
      text = text.slice(1);
    }
    if (!isWellFormed(text)) {
      return { ok: false, error: 'syntax error in pattern' };
    }
    compiled.push({ exclusion, regexp: toRegExp(text) });
  }
  const matcher: IgnoreMatcher = {
    patterns: [...patterns],
    excludes: (path) => excludes(compiled, path),
  };
  return { ok: true, matcher };
}

/** Reads `.dockerignore` text and compiles it in one go. */
export function readDockerignore(text: string): IgnoreMatcherResult {
  return createIgnoreMatcher(parseDockerignore(text));
}

// A later pattern overrides an earlier one, and a pattern that names a
// parent folder covers what is inside it, as `MatchesOrParentMatches` does.
function excludes(patterns: Pattern[], path: string): boolean {
  const file = cleanPath(path);
  const parent = parentOf(file);
  const parents = parent.split('/');
  let matched = false;
  for (const pattern of patterns) {
    // Only a pattern that could change the answer is worth testing.
    if (pattern.exclusion !== matched) continue;
    let match = pattern.regexp.test(file);
    for (let i = 1; !match && parent !== '.' && i <= parents.length; i++) {
      match = pattern.regexp.test(parents.slice(0, i).join('/'));
    }
    if (match) matched = !pattern.exclusion;
  }
  return matched;
}

/** Turns a cleaned pattern into an anchored RegExp, `**` spanning folders. */
function toRegExp(pattern: string): RegExp {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') i++;
      out += i + 1 >= pattern.length ? '.*' : '(.*/)?';
    } else if (ch === '*') {
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else if ('.+()|{}$'.includes(ch)) {
      out += `\\${ch}`;
    } else if (ch === '\\') {
      out += i + 1 < pattern.length ? `\\${pattern[++i]}` : '\\\\';
    } else {
      out += ch;
    }
  }
  return new RegExp(`${out}$`);
}

// Go's path.Match rejects an unclosed `[` and a trailing backslash.
function isWellFormed(pattern: string): boolean {
  let open = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      if (i + 1 >= pattern.length) return false;
      i++;
    } else if (ch === '[' && !open) {
      open = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') return false;
    } else if (ch === ']' && open) {
      open = false;
    }
  }
  return !open;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return '.';
  return slash === 0 ? '/' : path.slice(0, slash);
}
