// Prints the part of a Dockerfile an error points at, in the shape buildx
// uses after a failed solve: a `Dockerfile:N` header and numbered lines.

import type { Location } from '../../../core/src/index.ts';

const RULE = '-'.repeat(20);

/** Returns the numbered excerpt for `location`, marking its lines with `>>>`. */
export function formatSourceSnippet(
  location: Location,
  source: string,
): string {
  const lines = source.split('\n');
  const first = location.range.start.line;
  const last = Math.max(first, location.range.end.line);
  // One-line ranges get two lines of context each side, longer ones get one.
  const context = first === last ? 2 : 1;
  const from = Math.max(1, first - context);
  const to = Math.min(lines.length, last + context);

  const out = [`${location.file}:${first}`, RULE];
  for (let n = from; n <= to; n++) {
    const text = lines[n - 1] ?? '';
    const mark = n >= first && n <= last ? '>>> ' : '    ';
    out.push(` ${String(n).padStart(3)} | ${mark}${text}`);
  }
  out.push(RULE);
  return out.join('\n') + '\n';
}
