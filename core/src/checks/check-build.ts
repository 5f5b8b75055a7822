// `docker build --check`: lints a Dockerfile without building it. Without a
// target every stage is checked, needed or not; the first error is the
// build error BuildKit would report beside the warnings, and every other
// error found is kept too.

import type { Diagnostic } from '../model/diagnostic.ts';
import type { BuildOptions } from '../model/options.ts';
import { planDockerfile } from '../plan/plan-build.ts';
import { isCheckWarning } from './check-warnings.ts';

/** Errors BuildKit finds only when it solves, which a check never reaches. */
const SOLVE_TIME_CODES = new Set([
  'device-not-allowed',
  'device-not-registered',
  'entitlement-not-granted',
]);

/** What a check run found. */
export interface CheckResult {
  /** Build-check warnings, by line. */
  warnings: Diagnostic[];
  /** The error that stops the build (a failed `error=true` included), if any. */
  error?: Diagnostic;
  /** Every error found, `error` first; BuildKit stops at the first one. */
  errors: Diagnostic[];
}

/** Checks a Dockerfile as `docker build --check` does. */
export function checkBuild(
  text: string,
  options: BuildOptions = {},
): CheckResult {
  const plan = planDockerfile(text, options, {
    allStages: options.target === undefined,
  });
  const warnings = plan.diagnostics.filter(isCheckWarning);
  const errors = plan.diagnostics.filter(
    (d) => d.severity === 'error' && !SOLVE_TIME_CODES.has(d.code),
  );
  return errors.length > 0
    ? { warnings, error: errors[0], errors }
    : { warnings, errors };
}
