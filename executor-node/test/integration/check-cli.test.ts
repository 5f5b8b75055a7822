// Runs `slipway build --check` and `slipway plan` on small Dockerfiles: the
// build checks print as `docker build --check` prints them.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { runCli } from './cli-helpers.ts';

let temp = '';

before(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'slipway-check-'));
});

after(async () => {
  await rm(temp, { recursive: true, force: true });
});

async function contextWith(name: string, dockerfile: string): Promise<string> {
  const dir = path.join(temp, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  await writeFile(path.join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

test('build --check prints each warning with its rule, page and lines', async () => {
  const dir = await contextWith(
    'warnings',
    'FROM busybox AS Build\nMAINTAINER me\nRUN true\n',
  );
  const run = await runCli(['build', '--check', dir]);
  assert.equal(run.status, 1, run.stderr);
  const expected = [
    'Check complete, 2 warnings have been found!',
    '',
    'WARNING: StageNameCasing - https://docs.docker.com/go/dockerfile/rule/stage-name-casing/',
    "Stage name 'Build' should be lowercase",
    'Dockerfile:1',
    '--------------------',
    '   1 | >>> FROM busybox AS Build',
    '   2 |     MAINTAINER me',
    '   3 |     RUN true',
    '--------------------',
    '',
    'WARNING: MaintainerDeprecated - https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/',
  ].join('\n');
  assert.ok(run.stdout.startsWith(expected), run.stdout);
});

test('build --check on a clean Dockerfile exits 0', async () => {
  const dir = await contextWith('clean', 'FROM busybox\nRUN true\n');
  const run = await runCli(['build', '--check', dir]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'Check complete, no warnings found.\n');
});

test('check=error=true turns warnings into a build error', async () => {
  const dir = await contextWith(
    'error',
    '# check=error=true\nFROM busybox AS Build\n',
  );
  const check = await runCli(['build', '--check', dir]);
  assert.equal(check.status, 1);
  assert.match(
    check.stderr,
    /^ERROR: lint violation found for rules: StageNameCasing$/m,
  );

  const plan = await runCli(['plan', dir]);
  assert.equal(plan.status, 1);
  assert.match(
    plan.stdout,
    /^Dockerfile:2: WARN: StageNameCasing: Stage name 'Build' should be lowercase$/m,
  );
  assert.match(plan.stdout, /lint violation found for rules: StageNameCasing/);

  const skipped = await runCli([
    'plan',
    '--build-arg',
    'BUILDKIT_DOCKERFILE_CHECK=skip=StageNameCasing',
    dir,
  ]);
  assert.equal(skipped.status, 0, skipped.stdout);
});
