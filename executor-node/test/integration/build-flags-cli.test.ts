// buildx's checks and shorthands on `slipway build`: output destinations
// (a terminal in a pseudo-terminal from `script`), -t/--push/--load, a
// Dockerfile on stdin, --version and `npm run slipway` from a subfolder.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';

import { examplesDir, repoRoot, runCli } from './cli-helpers.ts';

const launcher = path.join(repoRoot, 'executor-node/bin/slipway.js');
const SCRATCH = 'FROM scratch\nENV A=1\n';

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-flags-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), SCRATCH);
  return dir;
}

/** Runs the CLI with `input` on stdin. */
function runWithStdin(args: string[], input: string, cwd: string) {
  return spawnSync(process.execPath, [launcher, ...args], {
    cwd,
    input,
    encoding: 'utf8',
  });
}

test('an existing folder as a tarball dest fails before the build', async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'out'));
  for (const type of ['tar', 'oci']) {
    const run = await runCli(['build', '-o', `type=${type},dest=out`, '.'], {
      cwd: dir,
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^ERROR: destination file out is a directory$/m);
    assert.doesNotMatch(run.stderr, /^#1 /m);
  }
});

test('a file as a local dest fails before the build', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'out'), 'x');
  const run = await runCli(['build', '-o', 'type=local,dest=out', '.'], {
    cwd: dir,
  });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^ERROR: destination directory out is a file$/m);
});

test('a tarball without dest is refused when stdout is a terminal', () => {
  const dir = tempDir();
  for (const type of ['tar', 'oci']) {
    const command = `${process.execPath} ${launcher} build -o type=${type} .`;
    const out = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(out.status, 1, out.stdout);
    assert.match(
      out.stdout,
      new RegExp(
        `ERROR: dest file is required for ${type} exporter\\. refusing to write to console`,
      ),
    );
  }
});

test('an exporter option slipway cannot carry out fails by name', async () => {
  const dir = tempDir();
  const run = await runCli(
    ['build', '-o', 'type=oci,dest=a.tar,compression=zstd', '.'],
    { cwd: dir },
  );
  assert.equal(run.status, 1);
  assert.match(
    run.stderr,
    /^ERROR: exporter option "compression=zstd" is not supported by slipway$/m,
  );
  assert.equal(fs.existsSync(path.join(dir, 'a.tar')), false);
});

test('--load explains there is no Docker daemon; --push with --load fails', async () => {
  const dir = tempDir();
  const load = await runCli(['build', '--load', '.'], { cwd: dir });
  assert.equal(load.status, 1);
  assert.match(load.stderr, /--load needs a Docker daemon/);
  assert.match(load.stderr, /-o type=docker,dest=FILE/);
  const both = await runCli(['build', '--load', '--push', '.'], { cwd: dir });
  assert.equal(both.status, 1);
  assert.match(both.stderr, /push and load may not be set together/);
  const tarLoad = await runCli(['build', '--load', '-o', 'x', '.'], {
    cwd: dir,
  });
  assert.match(tarLoad.stderr, /load and "local" output can't be used/);
});

test('-t without an output warns as buildx does and builds', async () => {
  const dir = tempDir();
  const run = await runCli(['build', '-t', 'app:1', '.'], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  assert.match(
    run.stderr,
    /^WARNING: No output specified with docker-container driver\. Build result will only remain in the build cache\. To push result image into registry use --push or to load image into docker use --load$/m,
  );
});

test('-t names the images of oci and docker outputs', async () => {
  const dir = tempDir();
  const ok = await runCli(
    [
      'build',
      '-t',
      'app:1',
      '-t',
      'app:2',
      '-o',
      'type=docker,dest=d.tar',
      '.',
    ],
    { cwd: dir },
  );
  assert.equal(ok.status, 0, ok.stderr);
  const manifest = JSON.parse(
    execFileSync('tar', ['-xOf', path.join(dir, 'd.tar'), 'manifest.json'], {
      encoding: 'utf8',
    }),
  ) as { RepoTags: string[] }[];
  assert.deepEqual(manifest[0]?.RepoTags, ['app:1', 'app:2']);
});

test('-f - and context - read the Dockerfile from stdin', () => {
  const dir = tempDir();
  const text = 'FROM scratch\nENV FROM_STDIN=1\n';
  const withFile = runWithStdin(['plan', '-f', '-', '.'], text, dir);
  assert.equal(withFile.status, 0, withFile.stderr);
  assert.match(withFile.stdout, /Instructions: FROM ENV/);
  assert.match(withFile.stdout, /FROM_STDIN=1/);
  const noContext = runWithStdin(
    ['build', '-', '-o', 'type=oci,dest=o.tar'],
    text,
    dir,
  );
  assert.equal(noContext.status, 0, noContext.stderr);
  assert.ok(fs.statSync(path.join(dir, 'o.tar')).size > 0);
  const both = runWithStdin(['plan', '-f', '-', '-'], text, dir);
  assert.equal(both.status, 1);
  assert.match(both.stderr, /can't use stdin for both build context/);
});

test('--version prints the package version', async () => {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'),
  ) as { version: string };
  const run = await runCli(['--version']);
  assert.equal(run.status, 0);
  assert.equal(run.stdout, `${pkg.version}\n`);
});

test('npm run slipway resolves paths against the folder it ran in', () => {
  const cwd = path.join(examplesDir, 'cdi-env');
  const out = execFileSync('npm', ['run', '-s', 'slipway', '--', 'plan', '.'], {
    cwd,
    encoding: 'utf8',
  });
  const dockerfile = fs.readFileSync(path.join(cwd, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /vendor1\.com\/device/);
  assert.match(out, /RUN --device=vendor1\.com\/device/);
});
