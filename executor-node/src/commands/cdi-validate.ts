// `slipway cdi validate FILE|DIR...`: every problem of each spec file (a
// directory stands for its .json/.yaml files) with its line, plus devices
// that two of the files define in the same directory.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import type { CdiSpecFile, Diagnostic } from '../../../core/src/index.ts';
import {
  createCdiRegistry,
  formatDiagnostic,
  isSpecFileName,
  lintCdiSpec,
} from '../../../core/src/index.ts';
import type { CommandIO } from './command-io.ts';

/** Flags of `slipway cdi validate`. */
export interface CdiValidateFlagValues {
  json?: boolean;
}

/** One file's verdict. */
export interface SpecFileReport {
  file: string;
  loads: boolean;
  diagnostics: Diagnostic[];
}

/** Validates the files; exit status 1 when any has an error or warning. */
export async function runCdiValidateCommand(
  files: string[],
  flags: CdiValidateFlagValues,
  io: CommandIO,
  cwd: string = process.cwd(),
): Promise<number> {
  const reports: SpecFileReport[] = [];
  const loaded: CdiSpecFile[] = [];
  const dirs: string[] = [];
  for (const file of await expandDirs(files, cwd, reports)) {
    const text = await readSpec(path.resolve(cwd, file));
    if (text === undefined) {
      const why = `failed to read CDI Spec ${JSON.stringify(file)}`;
      reports.push(unreadable(file, `${why}: no such file`));
      continue;
    }
    const lint = lintCdiSpec(text, file);
    reports.push({ file, ...lint });
    if (!lint.loads) continue;
    // Files of one directory share a priority, so duplicates there conflict.
    const dir = path.dirname(path.resolve(cwd, file));
    if (!dirs.includes(dir)) dirs.push(dir);
    loaded.push({ path: file, priority: dirs.indexOf(dir), text });
  }

  const registry = createCdiRegistry(loaded);
  for (const d of registry.diagnostics) {
    if (d.code !== 'cdi-device-conflict' || !d.location) continue;
    reports.find((r) => r.file === d.location!.file)?.diagnostics.push(d);
  }

  const problems = reports.flatMap((r) =>
    r.diagnostics.filter((d) => d.severity !== 'info'),
  );
  if (flags.json) io.stdout.write(JSON.stringify(reports, null, 2) + '\n');
  else io.stdout.write(formatReports(reports, registry.specs));
  return problems.length > 0 ? 1 : 0;
}

function formatReports(
  reports: SpecFileReport[],
  specs: { path: string; spec: { devices: unknown[] } }[],
): string {
  const out: string[] = [];
  let problems = 0;
  for (const r of reports) {
    const shown = r.diagnostics.filter((d) => d.severity !== 'info');
    problems += shown.length;
    if (shown.length === 0) {
      const count = specs.find((s) => s.path === r.file)?.spec.devices.length;
      const n = count ?? 0;
      out.push(`${r.file}: valid (${n} ${plural(n, 'device')})`);
      continue;
    }
    for (const d of shown) {
      const severity = d.severity === 'warning' ? 'WARNING: ' : '';
      out.push(severity + formatDiagnostic(d));
    }
  }
  const bad = reports.filter((r) =>
    r.diagnostics.some((d) => d.severity !== 'info'),
  ).length;
  out.push(
    `${reports.length} ${plural(reports.length, 'file')}, ${bad} with problems, ${problems} ${plural(problems, 'problem')}`,
  );
  return out.join('\n') + '\n';
}

// A directory stands for its spec files, sorted, as CDI reads a spec dir;
// one without any is reported by name.
async function expandDirs(
  files: string[],
  cwd: string,
  reports: SpecFileReport[],
): Promise<string[]> {
  const out: string[] = [];
  for (const file of files) {
    const full = path.resolve(cwd, file);
    const isDir = await stat(full).then(
      (st) => st.isDirectory(),
      () => false,
    );
    if (!isDir) {
      out.push(file);
      continue;
    }
    const entries = await readdir(full, { withFileTypes: true });
    const names = entries
      .filter((e) => !e.isDirectory() && isSpecFileName(e.name))
      .map((e) => e.name)
      .sort();
    if (names.length === 0) {
      const where = `in directory ${JSON.stringify(file)}`;
      reports.push(
        unreadable(file, `no CDI spec files (.json, .yaml) ${where}`),
      );
    }
    out.push(...names.map((name) => path.join(file, name)));
  }
  return out;
}

async function readSpec(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** A report for a file or folder whose specs could not be read at all. */
function unreadable(file: string, message: string): SpecFileReport {
  return {
    file,
    loads: false,
    diagnostics: [{ code: 'cdi-spec-unreadable', severity: 'error', message }],
  };
}
