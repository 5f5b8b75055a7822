// `slipway cases DIR...`: runs behaviour cases (plan checks always, real builds
// where this host can) and prints one line per case plus a summary.

import path from 'node:path';

import { findCaseDirs, readCase } from '../cases/case-file.ts';
import type { CaseResult } from '../cases/run-case.ts';
import { runCase } from '../cases/run-case.ts';
import type { CommandIO } from './command-io.ts';

/** Flags of `slipway cases`. */
export interface CasesFlagValues {
  json?: boolean;
  planOnly?: boolean;
  keep?: boolean;
  verbose?: boolean;
  registryMirror?: string[];
  registryConfig?: string;
  insecureRegistry?: string[];
}

/** Runs every case under `dirs` and returns the exit status (1 when any failed). */
export async function runCasesCommand(
  dirs: string[],
  flags: CasesFlagValues,
  io: CommandIO,
): Promise<number> {
  const caseDirs: string[] = [];
  for (const dir of dirs) caseDirs.push(...(await findCaseDirs(dir)));
  if (caseDirs.length === 0) {
    io.stderr.write(`no cases found in ${dirs.join(', ')}\n`);
    return 1;
  }

  const results: CaseResult[] = [];
  for (const dir of caseDirs) {
    const definition = await readCase(dir);
    const result = await runCase(definition, {
      planOnly: flags.planOnly,
      keepTemp: flags.keep,
      registry: {
        configFile: flags.registryConfig && path.resolve(flags.registryConfig),
        mirrors: flags.registryMirror ?? [],
        insecure: flags.insecureRegistry ?? [],
      },
    });
    results.push(result);
    if (!flags.json) io.stdout.write(formatCaseLine(result) + '\n');
    if (flags.verbose && result.status === 'fail') {
      for (const failure of result.failures.slice(1))
        io.stdout.write(`    ${failure}\n`);
      if (result.progress) io.stdout.write(indent(result.progress));
    }
  }

  const summary = summarize(results);
  if (flags.json) {
    io.stdout.write(
      JSON.stringify({ summary, cases: results }, null, 2) + '\n',
    );
  } else {
    io.stdout.write(
      `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped\n`,
    );
  }
  return summary.failed > 0 ? 1 : 0;
}

/** Formats the one-line verdict of a case, e.g. `PASS S01 cdi`. */
export function formatCaseLine(result: CaseResult): string {
  const head = `${result.status.toUpperCase()} ${result.id} ${result.area}`;
  return result.reason ? `${head}: ${result.reason}` : head;
}

/** Counts passed, failed and skipped cases. */
export function summarize(results: CaseResult[]): {
  passed: number;
  failed: number;
  skipped: number;
  executed: number;
} {
  const count = (status: CaseResult['status']) =>
    results.filter((r) => r.status === status).length;
  return {
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skip'),
    executed: results.filter((r) => r.executed).length,
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `    ${line}` : line))
    .join('\n');
}
