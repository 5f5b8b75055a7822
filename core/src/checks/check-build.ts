// `docker build --check`: lints a Dockerfile without building it. Without a
// target every stage is checked, needed or not; the first error is the
// build error BuildKit would report beside the warnings.

import type { Diagnostic } from '../model/diagnostic.ts';
import type { BuildOptions } from '../model/options.ts';
import { planDockerfile } from '../plan/plan-build.ts';
import { findCheckRule } from './rules.ts';

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
}

/** Checks a Dockerfile as `docker build --check` does. */
export function checkBuild(
  text: string,
  options: BuildOptions = {},
): CheckResult {
  const plan = planDockerfile(text, options, {
    allStages: options.target === undefined,
  });
  const warnings = plan.diagnostics.filter(
    (d) => d.severity === 'warning' && findCheckRule(d.code) !== undefined,
  );
  const error = plan.diagnostics.find(
    (d) => d.severity === 'error' && !SOLVE_TIME_CODES.has(d.code),
  );
  return error ? { warnings, error } : { warnings };
}
