// The build context's ignore file as BuildKit picks it (the Dockerfile's own
// `<Dockerfile>.dockerignore`, else `.dockerignore` at the context root) and
// its patterns compiled with BuildKit's rules and errors.

import fs from 'node:fs';
import path from 'node:path';

import { readDockerignore } from '../../../core/src/index.ts';
import type { PathFilter } from '../snapshot/source-select.ts';

/** The ignore file a build uses. */
export interface IgnoreFile {
  path: string;
  text: string;
  /** It is the Dockerfile's own, sent along with the Dockerfile. */
  own: boolean;
  /** Its size in bytes. */
  bytes: number;
}

/** The context filter, or BuildKit's error for a pattern it cannot compile. */
export type ContextFilterResult =
  { ok: true; filter: PathFilter } | { ok: false; error: string };

/** Finds the ignore file for a Dockerfile and context, if there is one. */
export async function findIgnoreFile(
  contextDir: string,
  dockerfilePath?: string,
): Promise<IgnoreFile | undefined> {
  const candidates: [string, boolean][] = [
    [path.join(contextDir, '.dockerignore'), false],
  ];
  if (dockerfilePath)
    candidates.unshift([`${dockerfilePath}.dockerignore`, true]);
  for (const [file, own] of candidates) {
    const data = readOrUndefined(file);
    if (data) {
      return {
        path: file,
        text: data.toString('utf8'),
        own,
        bytes: data.length,
      };
    }
  }
  return undefined;
}

/**
 * Compiles the patterns of an ignore file's text; without text, reads
 * `<contextDir>/.dockerignore` (no Dockerfile to look beside).
 */
export function createContextFilter(
  contextDir: string,
  text?: string,
): ContextFilterResult {
  if (text === undefined) {
    const file = path.join(contextDir, '.dockerignore');
    text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }
  const compiled = readDockerignore(text);
  if (!compiled.ok) return { ok: false, error: compiled.error };
  const { matcher } = compiled;
  if (matcher.patterns.length === 0) return { ok: true, filter: () => false };
  return { ok: true, filter: (rel) => matcher.excludes(rel) };
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}
