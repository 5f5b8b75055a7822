// Runs `slipway debug cdi-cases` on the shared CDI case file and on altered
// copies of it: the summary line, failures and the exit status.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { repoRoot, runCli } from './cli-helpers.ts';

const corpus = path.resolve(repoRoot, '../shared/corpus/cdi');
const casesFile = path.join(corpus, 'cases.json');
let temp = '';

before(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'slipway-cdi-cases-'));
});

after(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('slipway debug cdi-cases', () => {
  test('passes every case of the shared corpus', async () => {
    const total = JSON.parse(await readFile(casesFile, 'utf8')).length;
    const run = await runCli(['debug', 'cdi-cases', casesFile]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(run.stdout, `${total} passed, 0 failed\n`);
  });

  test('reports a flipped verdict and exits 1', async () => {
    const cases = JSON.parse(await readFile(casesFile, 'utf8'));
    cases[3].valid = !cases[3].valid;
    const altered = path.join(temp, 'flipped.json');
    await writeFile(altered, JSON.stringify(cases));
    const run = await runCli([
      'debug',
      'cdi-cases',
      '--fixtures',
      path.join(corpus, 'buildkit-fixtures'),
      altered,
    ]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^FAIL #3 /m);
    const summary = `${cases.length - 1} passed, 1 failed\n`;
    assert.ok(run.stdout.endsWith(summary), run.stdout);
  });

  test('skips device-resolution cases when no fixtures are beside the file', async () => {
    const text = await readFile(casesFile, 'utf8');
    const resolving = (
      JSON.parse(text) as { input: { check: string } }[]
    ).filter((c) => c.input.check === 'buildkit-find-devices').length;
    assert.ok(resolving > 0);
    const copy = path.join(temp, 'cases.json');
    await writeFile(copy, text);
    const run = await runCli(['debug', 'cdi-cases', copy]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^SKIP #\d+ buildkit-find-devices /m);
    assert.match(
      run.stdout,
      new RegExp(`\\d+ passed, 0 failed, ${resolving} skipped\\n$`),
    );
  });

  test('fails on a file that is not a case list', async () => {
    const bad = path.join(temp, 'bad.json');
    await writeFile(bad, '{');
    const run = await runCli(['debug', 'cdi-cases', bad]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /0 passed, 1 failed/);
  });
});
