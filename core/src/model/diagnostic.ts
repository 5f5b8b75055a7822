// Diagnostics: every error and warning Slipway reports is one of these values.
// This file imports nothing so every layer can depend on it.

/** A 1-based line and column in a source file. */
export interface Position {
  line: number;
  column: number;
}

/** A span of a source file; `end` is inclusive of its line. */
export interface Range {
  start: Position;
  end: Position;
}

/** Where a diagnostic points: a file name as the user knows it, and a range. */
export interface Location {
  file: string;
  range: Range;
}

export type Severity = 'error' | 'warning' | 'info';

/**
 * One problem found in the input. `code` is stable and kebab-case
 * (`unknown-instruction`, `device-not-allowed`); `message` follows the
 * wording BuildKit users know where such a text exists.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  location?: Location;
  /** A check's docs page, for build-check warnings. */
  url?: string;
  /**
   * The whole text BuildKit reports when this error ends a build, where it
   * says more than `message` (`dockerfile parse error on line 4: ...`).
   */
  failure?: string;
}
