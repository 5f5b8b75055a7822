// File lookups the way nvidia-ctk makes them with Go's filepath.Glob and
// Match: `*`, `?` and `[...]` never cross a `/`, and names come back sorted
// per directory.

import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Returns the paths matching `pattern` (absolute), as Go's filepath.Glob does. */
export function glob(pattern: string): string[] {
  if (!hasMeta(pattern)) return exists(pattern) ? [pattern] : [];
  const dir = path.dirname(pattern);
  const file = path.basename(pattern);
  const dirs = hasMeta(dir) ? glob(dir) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (matchName(file, name)) out.push(path.join(d, name));
    }
  }
  return out;
}

/** Reports whether `name` matches a Go filepath.Match pattern. */
export function matchName(pattern: string, name: string): boolean {
  const re = toRegExp(pattern);
  return re !== undefined && re.test(name);
}

function hasMeta(p: string): boolean {
  return /[*?[\\]/.test(p);
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function toRegExp(pattern: string): RegExp | undefined {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) return undefined;
      out += escape(pattern[i]!);
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return undefined;
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^/' : ''}${body.replace(/[\]\\^]/g, '\\$&')}]`;
      i = end;
    } else out += escape(c);
  }
  return new RegExp(out + '$', 'u');
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
