// Real builds through the CLI with an ignore file: `<Dockerfile>.dockerignore`
// beside the Dockerfile wins over the context's `.dockerignore` for the copy
// and for the CopyIgnoredFile check alike, and a pattern BuildKit cannot
// compile fails the build with its error.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { runCli, skipBuilds } from './cli-helpers.ts';
import { listFiles, tempDir, testHome } from './harness.ts';

const skip = await skipBuilds();

/** A context with two Dockerfiles and an ignore file for each. */
function context(): string {
  const dir = tempDir('ctx-');
  const files: Record<string, string> = {
    Dockerfile: 'FROM scratch\nCOPY . /out/\n',
    'docker/app.Dockerfile': 'FROM scratch\nCOPY . /out/\n',
    'docker/app.Dockerfile.dockerignore': 'secret.txt\ndocker\n',
    '.dockerignore': 'notes.md\nDockerfile\n.dockerignore\n',
    'secret.txt': 'hush\n',
    'notes.md': 'notes\n',
    'src/main.c': 'int main(void) { return 0; }\n',
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function build(dir: string, args: string[]) {
  const dest = tempDir('out-');
  const run = await runCli(
    ['build', '--progress=plain', '-o', `type=local,dest=${dest}`, ...args],
    { cwd: dir, env: { SLIPWAY_HOME: testHome() } },
  );
  return { run, dest };
}

describe('the build context after its ignore file', { skip }, () => {
  test('-f docker/app.Dockerfile uses docker/app.Dockerfile.dockerignore', async () => {
    const dir = context();
    const { run, dest } = await build(dir, [
      '-f',
      'docker/app.Dockerfile',
      '.',
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(listFiles(path.join(dest, 'out')), [
      '.dockerignore',
      'Dockerfile',
      'notes.md',
      'src/main.c',
    ]);
  });

  test('the default Dockerfile uses the context’s .dockerignore', async () => {
    const dir = context();
    const { run, dest } = await build(dir, ['.']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(listFiles(path.join(dest, 'out')), [
      'docker/app.Dockerfile',
      'docker/app.Dockerfile.dockerignore',
      'secret.txt',
      'src/main.c',
    ]);
  });

  test('COPY of a file the Dockerfile’s ignore file leaves out warns and fails', async () => {
    const dir = context();
    fs.writeFileSync(
      path.join(dir, 'docker/app.Dockerfile'),
      'FROM scratch\nCOPY notes.md /\nCOPY secret.txt /\n',
    );
    const { run } = await build(dir, ['-f', 'docker/app.Dockerfile', '.']);
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      / - CopyIgnoredFile: Attempting to Copy file "secret.txt" that is excluded by .dockerignore \(line 3\)\n/,
    );
    assert.doesNotMatch(run.stderr, /"notes\.md" that is excluded/);
    assert.match(
      run.stderr,
      /ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref: "\/secret\.txt": not found\n/,
    );
  });

  test('a pattern BuildKit cannot compile fails the build before any step', async () => {
    const dir = context();
    fs.writeFileSync(path.join(dir, '.dockerignore'), 'notes.md\nsrc/[ab\n');
    const { run, dest } = await build(dir, ['.']);
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      /\nERROR: failed to solve: syntax error in pattern\n$/,
    );
    assert.doesNotMatch(run.stderr, /COPY \. \/out\//);
    assert.deepEqual(listFiles(dest), []);

    fs.writeFileSync(
      path.join(dir, 'docker/app.Dockerfile.dockerignore'),
      '!\n',
    );
    const own = await build(dir, ['-f', 'docker/app.Dockerfile', '.']);
    assert.equal(own.run.status, 1, own.run.stderr);
    assert.match(
      own.run.stderr,
      /ERROR: failed to solve: illegal exclusion pattern: "!"\n$/,
    );
  });
});
