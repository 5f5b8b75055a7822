// Build-check warnings as BuildKit hands them to the progress stream: the
// one-line `Rule: message (line N)` form buildx prints and lists.

import type { Diagnostic } from '../model/diagnostic.ts';
import { findCheckRule } from './rules.ts';

/** Tells whether a diagnostic is a build-check warning (not a CDI or device one). */
export function isCheckWarning(diagnostic: Diagnostic): boolean {
  return (
    diagnostic.severity === 'warning' &&
    findCheckRule(diagnostic.code) !== undefined
  );
}

/** Formats a check warning as `StageNameCasing: Stage name 'A' should be lowercase (line 2)`. */
export function formatCheckShort(warning: Diagnostic): string {
  const rule = findCheckRule(warning.code);
  let text = rule ? `${rule.name}: ${warning.message}` : warning.message;
  const line = warning.location?.range.start.line ?? 0;
  if (line > 0) text += ` (line ${line})`;
  return text;
}
