// Property tests: arbitrary text, Dockerfile-shaped noise and mutated real
// Dockerfiles go through the parser and the planner, which must always
// return (never throw, never hit their internal-error fallback) and point
// every diagnostic at a line, save the few that concern no line at all.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import type { Diagnostic } from '../model/diagnostic.ts';
import type { BuildOptions } from '../model/options.ts';
import { checkBuild } from '../checks/check-build.ts';
import { resolveBuildOptions } from '../options/resolve-options.ts';
import { parseDockerfile } from '../parse/parse-dockerfile.ts';
import { planBuild } from './plan-build.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const SHARED = path.resolve(REPO, '../shared');

/**
 * Diagnostics that concern no line of the Dockerfile, so carry none:
 * - empty-dockerfile: the file has no text at all;
 * - no-stages: the file as a whole has only ARGs (BuildKit names no line);
 * - target-not-found: about the --target option, not the file;
 * - lint-violation: `check=error=true` fails the build as a whole.
 * Errors in the build options themselves (`--platform`, `--allow`,
 * `--output`, the BUILDKIT_DOCKERFILE_CHECK build arg) have no line either.
 */
const WITHOUT_LINE = new Set([
  'empty-dockerfile',
  'no-stages',
  'target-not-found',
  'lint-violation',
]);

const RUNS = Number(process.env.SLIPWAY_FUZZ_RUNS ?? 300);

const KEYWORDS = [
  'FROM',
  'RUN',
  'COPY',
  'ADD',
  'ARG',
  'ENV',
  'LABEL',
  'WORKDIR',
  'USER',
  'CMD',
  'ENTRYPOINT',
  'SHELL',
  'EXPOSE',
  'VOLUME',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'ONBUILD',
  'MAINTAINER',
  'from',
  'Run',
  'NOPE',
];

const TOKENS = [
  ...KEYWORDS,
  'alpine',
  'scratch',
  'AS',
  'as',
  'build',
  '0',
  '--from=build',
  '--from=0',
  '--from=$X',
  '--platform=$BUILDPLATFORM',
  '--platform=linux/arm64',
  '--platform=',
  '--mount=type=cache,target=/c',
  '--mount=from=build,target=/m',
  '--mount=type=secret,id=s',
  '--device=vendor.com/gpu=0',
  '--network=none',
  '--security=insecure',
  '--chmod=755',
  '--chown=$USER',
  '--link',
  '--parents',
  '--exclude=*.md',
  '--checksum=sha256:00',
  '--interval=5s',
  '--retries=3',
  '$X',
  '${X:-d}',
  '${X:?boom}',
  '${X/a/b}',
  '${',
  '$',
  'X=1',
  'A=$B',
  '"quoted word"',
  "'single'",
  '"',
  "'",
  '\\',
  '`',
  '[',
  ']',
  '["sh", "-c", "echo"]',
  '[1, 2]',
  '<<EOF',
  '<<-EOF',
  '<<"EOF"',
  'EOF',
  '/app',
  'app/',
  '.',
  '80/tcp',
  '1.2.3.4:80:80',
  'SIGTERM',
  'NONE',
  '#',
  '# check=skip=all;error=true',
  '# syntax=docker/dockerfile:1-labs',
  '# escape=`',
  '\t',
  ' ',
  '\r',
  '\u00a0',
  '♥',
];

/** One Dockerfile-shaped line: a few tokens, sometimes continued. */
const dockerfileLine = fc
  .tuple(
    fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 6 }),
    fc.constantFrom('', '', '', ' \\', '\\', ' `'),
  )
  .map(([words, end]) => words.join(' ') + end);

/** Dockerfile-shaped text of a few lines. */
const dockerfileText = fc
  .array(dockerfileLine, { minLength: 0, maxLength: 12 })
  .map((lines) => lines.join('\n'));

/** Build options a user could pass, some of them odd. */
const buildOptions: fc.Arbitrary<BuildOptions> = fc.record(
  {
    platforms: fc.constantFrom(
      ['linux/amd64'],
      ['linux/amd64', 'linux/arm64'],
      ['linux/arm'],
      ['linux/nope'],
    ),
    target: fc.constantFrom('build', 'NOPE', '0'),
    buildArgs: fc.constantFrom<Record<string, string>>(
      {},
      { X: 'x' },
      { BUILDKIT_DOCKERFILE_CHECK: 'error=true' },
      { BUILDKIT_DOCKERFILE_CHECK: 'skip' },
      { BUILDKIT_SYNTAX: 'docker/dockerfile:1-labs' },
    ),
    allow: fc.constantFrom(['device'], [], ['bogus']),
    outputs: fc.constantFrom([], ['out'], ['type=bogus']),
  },
  { requiredKeys: [] },
);

function assertHandled(
  diagnostics: Diagnostic[],
  text: string,
  options: BuildOptions = {},
): void {
  const fromOptions = new Set(
    resolveBuildOptions(options).diagnostics.map((d) => d.message),
  );
  for (const d of diagnostics) {
    assert.notEqual(d.code, 'internal', `${d.message}\n--- input:\n${text}`);
    if (WITHOUT_LINE.has(d.code) || fromOptions.has(d.message)) continue;
    if (d.message.startsWith('failed to parse build-arg:')) continue;
    const line = d.location?.range.start.line;
    assert.ok(
      typeof line === 'number' && line >= 1,
      `${d.code} has no line: ${d.message}\n--- input:\n${text}`,
    );
  }
}

/** Parses and plans `text`, asserting both return handled diagnostics. */
function parseAndPlan(text: string, options: BuildOptions = {}): void {
  const syntax = parseDockerfile(text);
  assertHandled(syntax.diagnostics, text);
  const plan = planBuild(text, options);
  assertHandled(plan.diagnostics, text, options);
  assert.equal(plan.ok, !plan.diagnostics.some((d) => d.severity === 'error'));
  const checked = checkBuild(text, options);
  assertHandled(checked.warnings, text, options);
  if (checked.error) assertHandled([checked.error], text, options);
}

/** Every real Dockerfile we have: BuildKit's fixtures, the cases, the examples. */
function realDockerfiles(): string[] {
  const roots = [
    path.join(SHARED, 'corpus/buildkit-parser'),
    path.join(SHARED, 'cases'),
    path.join(REPO, 'examples'),
  ];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.startsWith('Dockerfile')) files.push(full);
    }
  };
  roots.forEach(walk);
  return files.map((file) => readFileSync(file, 'utf8'));
}

/** A real Dockerfile with a few random edits. */
function mutated(sources: string[]): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(fc.constantFrom(...TOKENS), fc.string()),
    }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 40 }),
    }),
    fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  );
  return fc
    .tuple(
      fc.constantFrom(...sources),
      fc.array(edit, { minLength: 1, maxLength: 5 }),
    )
    .map(([source, edits]) => edits.reduce(applyEdit, source));
}

type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'swap'; at: number }
  | { kind: 'duplicate'; at: number };

function applyEdit(text: string, edit: Edit): string {
  const at = text.length === 0 ? 0 : edit.at % text.length;
  if (edit.kind === 'insert')
    return text.slice(0, at) + edit.text + text.slice(at);
  if (edit.kind === 'delete') {
    return text.slice(0, at) + text.slice(at + edit.length);
  }
  const lines = text.split('\n');
  const i = edit.at % lines.length;
  if (edit.kind === 'duplicate') lines.splice(i, 0, lines[i]);
  else if (i + 1 < lines.length)
    [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]];
  return lines.join('\n');
}

describe('the parser and the planner never crash', () => {
  test('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) =>
        parseAndPlan(text),
      ),
      { numRuns: RUNS },
    );
  });

  test('on Dockerfile-shaped text with build options', () => {
    fc.assert(
      fc.property(dockerfileText, buildOptions, (text, options) =>
        parseAndPlan(text, options),
      ),
      { numRuns: RUNS * 2 },
    );
  });

  test('on mutated corpus, case and example Dockerfiles', () => {
    const sources = realDockerfiles();
    assert.ok(sources.length > 50, `only ${sources.length} Dockerfiles`);
    fc.assert(
      fc.property(mutated(sources), buildOptions, (text, options) =>
        parseAndPlan(text, options),
      ),
      { numRuns: RUNS * 2 },
    );
  });

  test('on every real Dockerfile as it is', () => {
    for (const text of realDockerfiles()) parseAndPlan(text);
  });
});
