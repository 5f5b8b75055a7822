// Runs the parser over BuildKit's own parser fixtures: every `testfiles`
// case must dump to its `result`, every negative case must fail.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { dumpBuildkitAst } from './dump.ts';
import { parseDockerfile } from './parse-dockerfile.ts';

const CORPUS = path.resolve(
  import.meta.dirname,
  '../../../../shared/corpus/buildkit-parser',
);

function caseDirs(folder: string): string[] {
  const dir = path.join(CORPUS, folder);
  assert.ok(existsSync(dir), `fixture folder missing: ${dir}`);
  return readdirSync(dir).sort();
}

function read(...parts: string[]): string {
  return readFileSync(path.join(CORPUS, ...parts), 'utf8');
}

const positives = caseDirs('testfiles');
const matching = positives.filter((name) => {
  const syntax = parseDockerfile(read('testfiles', name, 'Dockerfile'));
  return dumpBuildkitAst(syntax) + '\n' === read('testfiles', name, 'result');
});

test(`${matching.length}/${positives.length} testfiles match`, () => {
  assert.ok(positives.length >= 33);
  assert.deepEqual(
    positives.filter((name) => !matching.includes(name)),
    [],
  );
});

for (const name of positives) {
  test(`testfiles/${name} dumps to its result`, () => {
    const syntax = parseDockerfile(read('testfiles', name, 'Dockerfile'));
    const errors = syntax.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors, []);
    assert.equal(
      dumpBuildkitAst(syntax) + '\n',
      read('testfiles', name, 'result'),
    );
  });
}

const NEGATIVE_MESSAGES: Record<string, string> = {
  empty_dockerfile: 'the Dockerfile cannot be empty',
  only_comments: 'file with no instructions',
  env_no_value: 'ENV must have two arguments',
  'shykes-nested-json':
    'when using JSON array syntax, arrays must be comprised of strings only',
};

for (const name of caseDirs('testfiles-negative')) {
  test(`testfiles-negative/${name} yields an error`, () => {
    const syntax = parseDockerfile(
      read('testfiles-negative', name, 'Dockerfile'),
    );
    const errors = syntax.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length > 0, 'expected an error diagnostic');
    const expected = NEGATIVE_MESSAGES[name];
    if (expected !== undefined) {
      assert.ok(
        errors.some((d) => d.message === expected),
        errors.map((d) => d.message).join('; '),
      );
    }
  });
}

test('testfile-line has the expected line ranges', () => {
  const syntax = parseDockerfile(read('testfile-line', 'Dockerfile'));
  const lines = syntax.instructions.map((node) => [
    node.range.start.line,
    node.range.end.line,
  ]);
  assert.deepEqual(lines, [
    [5, 5],
    [11, 12],
    [17, 31],
  ]);
  const warnings = syntax.diagnostics.filter((d) => d.severity === 'warning');
  assert.ok(warnings.some((d) => d.code === 'no-empty-continuation'));
  assert.ok(!syntax.diagnostics.some((d) => d.severity === 'error'));
});
