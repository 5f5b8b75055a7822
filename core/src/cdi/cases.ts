// Runs a file of CDI reference cases (shared/corpus/cdi/cases.json format:
// `{input: {check, value}, valid, note}`) against this implementation, so the
// CLI and tests can report how closely we follow the reference.

import type { CdiSpecFile } from '../model/cdi.ts';
import {
  cdiAnnotationKey,
  cdiAnnotationValue,
  parseCdiAnnotations,
} from './annotations.ts';
import { loadGoYaml } from './go-yaml.ts';
import { validateQualifiedName } from './names.ts';
import { createCdiRegistry } from './registry.ts';
import { resolveDeviceRequest } from './resolve.ts';
import { decodeAs } from './spec-decode.ts';
import { validateContainerEdits, validateDevice } from './validate.ts';
import { minimumRequiredVersion, validateSpecVersion } from './version.ts';

/** The tally of a case run; each failure names the case and what differed. */
export interface CdiCaseReport {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
  skips: string[];
}

/** Inputs some checks need; a check whose input is missing is skipped. */
export interface CdiCaseOptions {
  /** The spec files `buildkit-find-devices` cases resolve against. */
  buildkitFixtures?: CdiSpecFile[];
  /** The `RUN --device=` value parser for `dockerfile-run-device-flag` cases. */
  parseDeviceFlag?: (
    value: string,
  ) => { name: string; required: boolean } | { error: string };
}

interface CdiCase {
  input: { check: string; value: unknown };
  valid: boolean;
  note?: string;
}

/** Outcome of one check: whether it is valid, the error text, and what it produced. */
interface Outcome {
  valid: boolean;
  error?: string;
  result?: unknown;
}

/** Runs every case in a cases.json text and counts passes and failures. */
export function runCdiCaseFile(
  json: string,
  options: CdiCaseOptions = {},
): CdiCaseReport {
  const report: CdiCaseReport = {
    passed: 0,
    failed: 0,
    skipped: 0,
    failures: [],
    skips: [],
  };
  let cases: CdiCase[];
  try {
    cases = JSON.parse(json) as CdiCase[];
  } catch (err) {
    report.failed = 1;
    report.failures.push(
      `cannot read the case file: ${(err as Error).message}`,
    );
    return report;
  }
  for (const [i, c] of cases.entries()) {
    const label = `#${i} ${c.input.check} ${JSON.stringify(c.input.value)}`;
    const outcome = runCheck(c, options);
    if (outcome === undefined) {
      report.skipped++;
      report.skips.push(`${label}: no way to run this check`);
      continue;
    }
    const problem = compare(c, outcome);
    if (problem === undefined) report.passed++;
    else {
      report.failed++;
      report.failures.push(`${label}: ${problem}`);
    }
  }
  return report;
}

function runCheck(c: CdiCase, options: CdiCaseOptions): Outcome | undefined {
  const v = c.input.value;
  switch (c.input.check) {
    case 'qualified-device-name':
      return fromError(validateQualifiedName(String(v)));
    case 'annotation-key': {
      const { plugin, deviceID } = v as { plugin: string; deviceID: string };
      const r = cdiAnnotationKey(plugin, deviceID);
      return 'error' in r ? fromError(r.error) : { valid: true, result: r.key };
    }
    case 'container-annotations': {
      const r = parseCdiAnnotations(v as Record<string, string>);
      return 'error' in r
        ? fromError(r.error)
        : { valid: true, result: r.devices };
    }
    case 'annotation-value': {
      const r = cdiAnnotationValue(v as string[]);
      return 'error' in r
        ? fromError(r.error)
        : { valid: true, result: r.value };
    }
    case 'spec-version':
      return withDecoded(v, 'spec', (spec) =>
        fromError(validateSpecVersion(spec)),
      );
    case 'minimum-required-version': {
      const { spec, expectedMinimum } = v as {
        spec: unknown;
        expectedMinimum: string;
      };
      return withDecoded(spec, 'spec', (s) => {
        const min = minimumRequiredVersion(s);
        return min === expectedMinimum
          ? { valid: true, result: min }
          : {
              valid: false,
              error: `minimum is ${min}, not ${expectedMinimum}`,
            };
      });
    }
    case 'container-edits':
      return withDecoded(v, 'edits', (e) =>
        fromError(validateContainerEdits(e)?.message),
      );
    case 'device':
      return withDecoded(v, 'device', (d) =>
        fromError(validateDevice(d)?.message),
      );
    case 'dockerfile-run-device-flag': {
      if (!options.parseDeviceFlag) return undefined;
      const r = options.parseDeviceFlag(String(v));
      return 'error' in r && r.error !== undefined
        ? fromError(r.error)
        : { valid: true, result: r };
    }
    case 'buildkit-find-devices': {
      if (!options.buildkitFixtures) return undefined;
      const registry = createCdiRegistry(options.buildkitFixtures);
      const r = resolveDeviceRequest(
        registry,
        { name: String(v), required: true },
        { all: true, names: [] },
      );
      return r.error !== undefined
        ? fromError(r.error)
        : { valid: true, result: r.devices };
    }
    default:
      return undefined;
  }
}

function withDecoded(
  value: unknown,
  what: 'spec' | 'device' | 'edits',
  check: (decoded: never) => Outcome,
): Outcome {
  if (value === null || value === undefined) return check(undefined as never);
  const loaded = loadGoYaml(JSON.stringify(value));
  if (loaded.error !== undefined || !loaded.value)
    return fromError(loaded.error ?? 'no data');
  const decoded = decodeAs(loaded.value, what);
  const err = decoded.error ?? decoded.convertError;
  if (err !== undefined) return fromError(err);
  const out = decoded.value as Record<string, unknown>;
  if (what === 'device') out['name'] ??= '';
  if (what === 'spec') out['devices'] ??= [];
  return check(out as never);
}

function fromError(error: string | undefined): Outcome {
  return error === undefined ? { valid: true } : { valid: false, error };
}

// Checks validity, then any exact text or result the note states.
function compare(c: CdiCase, got: Outcome): string | undefined {
  if (got.valid !== c.valid) {
    return c.valid
      ? `expected valid, got error ${JSON.stringify(got.error)}`
      : 'expected an error, got none';
  }
  const note = c.note ?? '';
  if (!got.valid) {
    const quoted = expectedErrorText(note);
    if (quoted !== undefined && !(got.error ?? '').includes(quoted)) {
      return `expected error containing ${JSON.stringify(quoted)}, got ${JSON.stringify(got.error)}`;
    }
    return undefined;
  }
  const expected = expectedResult(note);
  if (expected !== undefined && !sameResult(expected, got.result)) {
    return `expected ${JSON.stringify(expected)}, got ${JSON.stringify(got.result)}`;
  }
  return undefined;
}

// Notes quote the reference's text as -> 'text', "error 'text'", -> "text"
// or `<test>: 'text'`.
function expectedErrorText(note: string): string | undefined {
  const patterns = [
    /error[^']*'((?:[^'\\]|\\.)+)'/,
    /->\s*'((?:[^'\\]|\\.)+)'/,
    /->\s*"((?:[^"\\]|\\.)+)"/,
    /:\s'((?:[^'\\]|\\.)+)'(?:\s|$)/,
  ];
  for (const re of patterns) {
    const m = re.exec(note);
    if (m) return m[1]!.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  }
  return undefined;
}

// Notes state results as `result {...}`, `resolves to [...]` or `key = cdi.k8s.io/...`.
function expectedResult(note: string): unknown {
  const json = /(?:result|resolves to) (\{.*?\}|\[.*?\])/.exec(note);
  if (json) {
    try {
      return JSON.parse(json[1]!);
    } catch {
      return undefined;
    }
  }
  const key = /key = (cdi\.k8s\.io\/\S+)/.exec(note);
  return key ? key[1] : undefined;
}

function sameResult(expected: unknown, got: unknown): boolean {
  if (Array.isArray(expected) && Array.isArray(got)) {
    return (
      JSON.stringify([...expected].sort()) === JSON.stringify([...got].sort())
    );
  }
  if (
    expected &&
    typeof expected === 'object' &&
    got &&
    typeof got === 'object'
  ) {
    const e = expected as Record<string, unknown>;
    const g = got as Record<string, unknown>;
    return Object.keys(e).every(
      (k) => JSON.stringify(e[k]) === JSON.stringify(g[k]),
    );
  }
  return expected === got;
}
