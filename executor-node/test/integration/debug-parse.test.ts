// Runs `slipway debug parse` on BuildKit's parser fixtures: the printed dump
// must equal the fixture's `result` byte for byte, so the two can be diffed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { repoRoot, runCli } from './cli-helpers.ts';

const CORPUS = path.resolve(repoRoot, '../shared/corpus/buildkit-parser');

// Escape directive, JSON and shell forms, flags, ONBUILD and continuations.
const FIXTURES = ['escape-with-syntax', 'flags', 'docker', 'continueIndent'];

for (const name of FIXTURES) {
  test(`debug parse testfiles/${name} prints its result`, async () => {
    const dir = path.join(CORPUS, 'testfiles', name);
    const run = await runCli([
      'debug',
      'parse',
      path.join(dir, 'Dockerfile'),
      '--format',
      'buildkit',
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, readFileSync(path.join(dir, 'result'), 'utf8'));
  });
}

test('debug parse names the failing line and exits 1', async () => {
  const file = path.join(
    CORPUS,
    'testfiles-negative',
    'env_no_value',
    'Dockerfile',
  );
  const run = await runCli(['debug', 'parse', file]);
  assert.equal(run.status, 1);
  assert.match(
    run.stderr,
    /^ERROR: Dockerfile:\d+: ENV must have two arguments$/m,
  );
});

test('debug parse --format json prints the syntax tree', async () => {
  const file = path.join(CORPUS, 'testfiles', 'health', 'Dockerfile');
  const run = await runCli(['debug', 'parse', file, '--format', 'json']);
  assert.equal(run.status, 0, run.stderr);
  const tree = JSON.parse(run.stdout) as {
    instructions: { keyword: string }[];
  };
  assert.ok(tree.instructions.some((node) => node.keyword === 'HEALTHCHECK'));
});
