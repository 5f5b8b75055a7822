// The `type=local` exporter: the target's files in a folder, one subfolder
// per platform when several are built (unless platform-split=false), written
// to a temporary sibling first and moved into place at the end.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type {
  ExportResult,
  Exporter,
  OutputSpec,
} from '../../../core/src/index.ts';

/** Exports results as BuildKit's local exporter does. */
export class LocalExporter implements Exporter {
  constructor(
    private readonly locate: (key: string) => string,
    private readonly cwd = process.cwd(),
  ) {}

  describe(output: OutputSpec): string {
    if (output.type === 'local') return 'exporting to client directory';
    if (output.type === 'tar') return 'exporting to client tarball';
    return `exporting to ${output.type}`;
  }

  async export(
    output: OutputSpec,
    results: ExportResult[],
    multiPlatform: boolean,
  ): Promise<void> {
    if (output.type !== 'local') {
      throw new Error(
        `exporter "${output.type}" is not supported by slipway yet`,
      );
    }
    if (!output.dest || output.dest === '-') {
      throw new Error('output directory is required for local exporter');
    }
    const split = parseBool(output.attrs['platform-split']) ?? multiPlatform;
    const dest = path.resolve(this.cwd, output.dest);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = fs.mkdtempSync(`${dest}.slipway-`);
    try {
      fs.chmodSync(tmp, 0o755);
      if (!split)
        checkConflicts(
          results.map((r) => ({ ...r, dir: this.locate(r.snapshot) })),
        );
      for (const result of results) {
        const target = split
          ? path.join(tmp, result.platform.replaceAll('/', '_'))
          : tmp;
        fs.mkdirSync(target, { recursive: true });
        copyTree(this.locate(result.snapshot), target);
      }
      moveInto(tmp, dest);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

/** Reads a Go-style boolean attribute (`platform-split`, `tar`...). */
export function parseBool(
  value: string | undefined,
  name = 'platform-split',
): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw new Error(`non-bool value for ${name}: ${value}`);
}

function copyTree(from: string, to: string): void {
  execFileSync('cp', ['-a', '--reflink=auto', `${from}/.`, `${to}/`]);
}

/** Fails as BuildKit does when two platforms write the same file. */
export function checkConflicts(
  results: (ExportResult & { dir: string })[],
): void {
  const owners = new Map<string, string>();
  for (const result of results) {
    for (const rel of listFiles(result.dir, '')) {
      const other = owners.get(rel);
      if (other !== undefined && other !== result.platform) {
        throw new Error(
          `cannot overwrite ${rel} from ${other} with ${result.platform} when split option is disabled`,
        );
      }
      owners.set(rel, result.platform);
    }
  }
}

function listFiles(dir: string, rel: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), {
    withFileTypes: true,
  })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, child));
    else out.push(child);
  }
  return out;
}

/** Moves the finished export into `dest`, replacing same-named entries. */
function moveInto(tmp: string, dest: string): void {
  if (!fs.existsSync(dest)) {
    fs.renameSync(tmp, dest);
    return;
  }
  for (const name of fs.readdirSync(tmp)) {
    const target = path.join(dest, name);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(path.join(tmp, name), target);
  }
}
