// Parser directives (`# syntax=`, `# escape=`, `# check=`): recognised only
// in the leading comment lines, each at most once.

import { isGoSpace } from './text.ts';

const DIRECTIVE =
  /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*$/;
const KNOWN = new Set(['syntax', 'escape', 'check']);

/** What one line meant to the directive scanner. */
export type DirectiveLine =
  | { kind: 'none' }
  | { kind: 'directive'; name: string; value: string }
  | { kind: 'error'; code: string; message: string };

const NONE: DirectiveLine = { kind: 'none' };

/** Tracks the directive block at the top of a Dockerfile, line by line. */
export class DirectiveScanner {
  private done = false;
  private readonly seen = new Set<string>();

  /** Classifies a line whose leading whitespace is already removed. */
  scan(line: string): DirectiveLine {
    if (this.done) return NONE;
    if (line.charCodeAt(0) !== 0x23) {
      this.done = true;
      return NONE;
    }
    let start = 1;
    while (start < line.length && isGoSpace(line.charCodeAt(start))) {
      start++;
    }
    const match = DIRECTIVE.exec(line.slice(start));
    const name = match?.[1].toLowerCase();
    if (match === null || name === undefined || !KNOWN.has(name)) {
      this.done = true;
      return NONE;
    }
    if (this.seen.has(name)) {
      return {
        kind: 'error',
        code: 'duplicate-directive',
        message: `only one ${name} parser directive can be used`,
      };
    }
    this.seen.add(name);
    return { kind: 'directive', name, value: match[2] };
  }
}

/** Checks an `escape` directive value, returning BuildKit's error if bad. */
export function checkEscapeToken(value: string): string | undefined {
  if (value === '`' || value === '\\') return undefined;
  return `invalid escape token '${value}' does not match \` or \\`;
}
