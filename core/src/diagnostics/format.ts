// Turns diagnostics into text: `Dockerfile:3: message`, optionally followed
// by a numbered source excerpt with the failing lines marked `>>>`.

import type { Diagnostic, Location } from '../model/diagnostic.ts';

const RULE = '--------------------';

/**
 * Source texts by file name (as diagnostics' locations name them), for
 * excerpts of diagnostics that point into several files.
 */
export type SourceTexts = ReadonlyMap<string, string>;

/** Formats a location as `file:line` (the first line of its range). */
export function formatLocation(location: Location): string {
  return `${location.file}:${location.range.start.line}`;
}

/**
 * Formats a diagnostic as `file:line: message` (or the bare message when it
 * has no location); with the text of the file it points at (`source`, or
 * found by name in a SourceTexts map), adds BuildKit's numbered excerpt.
 */
export function formatDiagnostic(
  d: Diagnostic,
  sources?: string | SourceTexts,
): string {
  if (d.location === undefined) return d.message;
  const head = `${formatLocation(d.location)}: ${d.message}`;
  const source = sourceOf(d.location, sources);
  if (source === undefined) return head;
  const lines = excerptLines(d.location, source);
  if (lines.length === 0) return head;
  return [head, RULE, ...lines, RULE].join('\n');
}

/**
 * Prints the source excerpt exactly as buildx does after a failed build:
 * `file:line`, a rule, ` %3d | >>> text` rows and a closing rule. Returns
 * an empty string when the range lies outside the source, or when a
 * SourceTexts map lacks the location's file.
 */
export function formatSourceExcerpt(
  location: Location,
  sources: string | SourceTexts,
): string {
  const source = sourceOf(location, sources);
  if (source === undefined) return '';
  const lines = excerptLines(location, source);
  if (lines.length === 0) return '';
  return [formatLocation(location), RULE, ...lines, RULE, ''].join('\n');
}

// A plain string is the text of the located file; a map is looked up by name.
function sourceOf(
  location: Location,
  sources: string | SourceTexts | undefined,
): string | undefined {
  if (sources === undefined || typeof sources === 'string') return sources;
  return sources.get(location.file);
}

function excerptLines(location: Location, source: string): string[] {
  const lines = source.split('\n');
  const first = location.range.start.line;
  const last = Math.max(location.range.end.line, first);
  if (first < 1 || first > lines.length) return [];

  // Context as BuildKit pads it: about two lines around a one-line range,
  // one around a longer range, taken from whichever side has room.
  let start = first;
  let end = Math.min(last, lines.length);
  const pad = end === start ? 4 : 2;
  for (let p = 0; p < pad; p++) {
    if (start > 1) {
      start--;
      p++;
    }
    if (end !== lines.length) {
      end++;
      p++;
    }
  }

  const out: string[] = [];
  for (let i = start; i <= end; i++) {
    const marker = i >= first && i <= last ? '>>>' : '   ';
    out.push(` ${String(i).padStart(3)} | ${marker} ${lines[i - 1]}`);
  }
  return out;
}
