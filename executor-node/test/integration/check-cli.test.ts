// Runs `slipway build --check` and `slipway plan` on small Dockerfiles: the
// build checks print as `docker build --check` prints them.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { runCli, skipBuilds } from './cli-helpers.ts';
import { testHome } from './harness.ts';

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

test('build --check prints all warnings and errors, then exits 1', async () => {
  const dir = await contextWith(
    'errors',
    'FROM busybox AS Build\nFOO bar\nCOPY --chmod=999 a /a\nENV A b\n',
  );
  const run = await runCli(['build', '--check', dir]);
  assert.equal(run.status, 1);
  assert.match(run.stdout, /^Check complete, 2 warnings have been found!\n/);
  assert.match(run.stdout, /\nWARNING: StageNameCasing - /);
  assert.match(run.stdout, /\nWARNING: LegacyKeyValueFormat - /);
  assert.ok(run.stdout.endsWith('--------------------\n\n'), run.stdout);
  assert.equal(
    run.stderr,
    [
      'ERROR: unknown instruction: FOO (did you mean FROM?)',
      'Dockerfile:2',
      '--------------------',
      '   1 |     FROM busybox AS Build',
      '   2 | >>> FOO bar',
      '   3 |     COPY --chmod=999 a /a',
      '   4 |     ENV A b',
      '--------------------',
      '',
      "ERROR: invalid chmod parameter: '999'. it should be octal string and between 0 and 07777",
      'Dockerfile:3',
      '--------------------',
      '   1 |     FROM busybox AS Build',
      '   2 |     FOO bar',
      '   3 | >>> COPY --chmod=999 a /a',
      '   4 |     ENV A b',
      '   5 |     ',
      '--------------------',
      '',
      '',
    ].join('\n'),
  );
});

test('build --check reads .dockerignore for CopyIgnoredFile', async () => {
  const dir = await contextWith(
    'ignored',
    'FROM busybox\nCOPY notes.txt /n\nCOPY app /app\n',
  );
  await writeFile(path.join(dir, '.dockerignore'), '# local only\nnotes.txt\n');
  const run = await runCli(['build', '--check', dir]);
  assert.equal(run.status, 1, run.stderr);
  assert.equal(
    run.stdout,
    [
      'Check complete, 1 warning has been found!',
      '',
      'WARNING: CopyIgnoredFile - https://docs.docker.com/go/dockerfile/rule/copy-ignored-file/',
      'Attempting to Copy file "notes.txt" that is excluded by .dockerignore',
      'Dockerfile:2',
      '--------------------',
      '   1 |     FROM busybox',
      '   2 | >>> COPY notes.txt /n',
      '   3 |     COPY app /app',
      '   4 |     ',
      '--------------------',
      '',
    ].join('\n'),
  );

  // The Dockerfile's own ignore file wins over the context's.
  await writeFile(path.join(dir, 'Dockerfile.dockerignore'), 'app\n');
  const own = await runCli(['build', '--check', dir]);
  assert.match(own.stdout, /^Check complete, 1 warning has been found!\n/);
  assert.match(own.stdout, /Attempting to Copy file "app" that is excluded/);
});

test(
  'build prints check warnings as WARN rows of the first vertex and lists them at the end',
  { skip: await skipBuilds() },
  async () => {
    const dir = await contextWith(
      'build-warnings',
      'FROM busybox:1.36 AS Build\nMAINTAINER me\nRUN true\n',
    );
    const env = { SLIPWAY_HOME: testHome() };
    const run = await runCli(['build', '--progress=plain', dir], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        [
          // No -o: buildx's no-output warning comes first.
          '^WARNING: No output specified with docker-container driver\\.[^\\n]*',
          '#1 \\[internal\\] load build definition from Dockerfile',
          '#1 transferring dockerfile: 50B done',
          "#1 WARN: StageNameCasing: Stage name 'Build' should be lowercase \\(line 1\\)",
          '#1 WARN: MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label \\(line 2\\)',
          '#1 DONE \\d+\\.\\ds\n',
        ].join('\n'),
      ),
    );
    assert.ok(
      run.stderr.endsWith(
        [
          '',
          ' 2 warnings found (use docker --debug to expand):',
          " - StageNameCasing: Stage name 'Build' should be lowercase (line 1)",
          ' - MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label (line 2)',
          '',
        ].join('\n'),
      ),
      run.stderr,
    );

    const json = await runCli(['build', '--progress=rawjson', dir], { env });
    assert.equal(json.status, 0, json.stderr);
    const warnings = json.stderr
      .trim()
      .split('\n')
      .flatMap((line) => JSON.parse(line).warnings ?? []);
    assert.equal(warnings.length, 2);
    assert.doesNotMatch(json.stderr, /warnings found/);
  },
);
