// Parses every behaviour case: cases expected to build must parse cleanly,
// cases failing in the parser must report the expected error text.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { parseDockerfile } from './parse-dockerfile.ts';

const CASES = path.resolve(import.meta.dirname, '../../../../shared/cases');

/** Cases whose expected error comes from the parser itself. */
const PARSER_ERRORS = new Set(['B01', 'B35', 'B36']);

interface CaseFile {
  expect: { ok?: boolean; error_contains?: string; instructions?: string[] };
}

assert.ok(existsSync(CASES), `cases folder missing: ${CASES}`);
const ids = readdirSync(CASES)
  .filter((name) => existsSync(path.join(CASES, name, 'case.json')))
  .sort();

test('the cases folder has cases', () => {
  assert.ok(ids.length >= 30);
});

for (const id of ids) {
  const spec = JSON.parse(
    readFileSync(path.join(CASES, id, 'case.json'), 'utf8'),
  ) as CaseFile;
  const text = readFileSync(path.join(CASES, id, 'Dockerfile'), 'utf8');

  test(`case ${id} parses as expected`, () => {
    const syntax = parseDockerfile(text);
    const errors = syntax.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => d.message);
    const { expect } = spec;
    if (expect.instructions !== undefined) {
      assert.deepEqual(
        syntax.instructions.map((node) => node.keyword),
        expect.instructions,
      );
    }
    if (PARSER_ERRORS.has(id)) {
      const wanted = (expect.error_contains ?? '').toLowerCase();
      assert.ok(
        errors.some((message) => message.toLowerCase().includes(wanted)),
        `expected "${wanted}" in: ${errors.join('; ')}`,
      );
    } else {
      assert.deepEqual(errors, []);
    }
  });
}
