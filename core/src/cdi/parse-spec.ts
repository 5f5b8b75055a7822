// Reads one CDI spec file (YAML or JSON text) into a validated CdiSpec, with
// the reference's error texts as diagnostics pointing at the offending line.

import type { CdiSpec } from '../model/cdi.ts';
import type { Diagnostic, Location } from '../model/diagnostic.ts';
import { goQuote } from './go-format.ts';
import { loadGoYaml } from './go-yaml.ts';
import { decodeSpec } from './spec-decode.ts';
import type { SpecLines } from './spec-decode.ts';
import { validateSpec } from './validate.ts';

/** The outcome of parsing a spec file: the spec when it loads, and every problem. */
export interface ParsedCdiSpec {
  /** Set only when the reference would load the file. */
  spec?: CdiSpec;
  diagnostics: Diagnostic[];
}

/** Parses and validates a CDI spec file's text as the reference's loader does. */
export function parseCdiSpec(text: string, path: string): ParsedCdiSpec {
  const { spec, diagnostics } = parseCdiSpecWithLines(text, path);
  return spec ? { spec, diagnostics } : { diagnostics };
}

/** Parses like parseCdiSpec and also returns where each value sits (`devices.0.name`). */
export function parseCdiSpecWithLines(
  text: string,
  path: string,
): ParsedCdiSpec & { lines: SpecLines } {
  const loaded = loadGoYaml(text);
  let lines: SpecLines = new Map();
  const fail = (code: string, message: string, line?: number) => ({
    diagnostics: [diagnostic(code, message, path, line, text)],
    lines,
  });
  const parseFail = (detail: string, line?: number) =>
    fail(
      'cdi-spec-unparsable',
      `failed to parse CDI Spec ${goQuote(path)}: failed to unmarshal CDI Spec: ${detail}`,
      line,
    );

  if (loaded.error !== undefined) {
    return parseFail(
      `error converting YAML to JSON: yaml: ${loaded.error}`,
      loaded.errorLine,
    );
  }
  const value = loaded.value;
  if (!value || (value.kind === 'scalar' && value.value.t === 'null')) {
    return fail(
      'cdi-spec-empty',
      `failed to parse CDI Spec ${goQuote(path)}, no Spec data`,
      1,
    );
  }

  const decoded = decodeSpec(value);
  lines = decoded.lines;
  if (decoded.convertError !== undefined) {
    return parseFail(
      `error converting YAML to JSON: ${decoded.convertError}`,
      decoded.errorLine,
    );
  }
  if (decoded.error !== undefined || !decoded.spec) {
    return parseFail(
      `error unmarshaling JSON: while decoding JSON: ${decoded.error}`,
      decoded.errorLine,
    );
  }

  const problem = validateSpec(decoded.spec);
  if (problem) {
    const line = lineFor(decoded.lines, problem.path) ?? 1;
    return fail(
      'cdi-spec-invalid',
      `invalid CDI Spec: ${problem.message}`,
      line,
    );
  }
  return { spec: decoded.spec, diagnostics: [], lines };
}

/** Finds the line of a dotted path, else of its nearest recorded parent. */
export function lineFor(lines: SpecLines, path: string): number | undefined {
  const parts = path.split('.');
  while (parts.length > 0) {
    const line = lines.get(parts.join('.'));
    if (line !== undefined) return line;
    parts.pop();
  }
  return undefined;
}

function diagnostic(
  code: string,
  message: string,
  file: string,
  line: number | undefined,
  text: string,
): Diagnostic {
  const location: Location | undefined =
    line === undefined ? undefined : { file, range: lineRange(text, line) };
  return {
    code,
    severity: 'error',
    message,
    ...(location ? { location } : {}),
  };
}

function lineRange(text: string, line: number): Location['range'] {
  const content = text.split('\n')[line - 1] ?? '';
  const width = content.replace(/\r$/, '').length;
  return {
    start: { line, column: 1 },
    end: { line, column: Math.max(1, width + 1) },
  };
}
