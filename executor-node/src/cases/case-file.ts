// Case folders: finding them and reading their case.json (format described in
// the cases README: id, area, command, requires, expect).

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** The expectation keys a case may list; every key present must hold. */
export interface CaseExpect {
  ok?: boolean;
  error_contains?: string;
  instructions?: string[];
  base_image?: string;
  stages_built?: string[];
  stages_skipped?: string[];
  args?: Record<string, Record<string, string>>;
  env?: Record<string, string>;
  run_env?: Record<string, string>;
  files?: Record<string, string>;
  devices_injected?: string[];
  output_files?: string[];
}

/** One case as read from its folder. */
export interface CaseDefinition {
  id: string;
  area: string;
  command: string;
  requires: string[];
  expect: CaseExpect;
  /** Absolute path of the case folder. */
  dir: string;
}

const KNOWN_KEYS = new Set<string>([
  'ok',
  'error_contains',
  'instructions',
  'base_image',
  'stages_built',
  'stages_skipped',
  'args',
  'env',
  'run_env',
  'files',
  'devices_injected',
  'output_files',
]);

/** Lists case folders: `dir` itself when it holds a case.json, else its sub-folders that do. */
export async function findCaseDirs(dir: string): Promise<string[]> {
  const absolute = path.resolve(dir);
  if (await isFile(path.join(absolute, 'case.json'))) return [absolute];

  const entries = await readdir(absolute, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        throw new Error(`open ${absolute}: no such file or directory`);
      }
      if (error.code === 'ENOTDIR') {
        throw new Error(`open ${absolute}: not a directory`);
      }
      throw error;
    },
  );
  const found: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const sub = path.join(absolute, entry.name);
    if (await isFile(path.join(sub, 'case.json'))) found.push(sub);
  }
  return found.sort();
}

/** Reads and checks the case.json of one case folder. */
export async function readCase(dir: string): Promise<CaseDefinition> {
  const file = path.join(dir, 'case.json');
  const raw = parseJson(file, await readFile(file, 'utf8'));

  if (typeof raw.command !== 'string') {
    throw new Error(`${file}: "command" must be a string`);
  }
  const expect = (raw.expect ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(expect)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new Error(`${file}: unknown expectation "${key}"`);
    }
  }

  return {
    id: typeof raw.id === 'string' ? raw.id : path.basename(dir),
    area: typeof raw.area === 'string' ? raw.area : '',
    command: raw.command,
    requires: Array.isArray(raw.requires) ? raw.requires.map(String) : [],
    expect: expect as CaseExpect,
    dir,
  };
}

function parseJson(file: string, text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file}: invalid JSON: ${(error as Error).message}`);
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
