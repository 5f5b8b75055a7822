// The bundled CLI (scripts/build-cli.mjs) prints what the TypeScript sources
// print, and a real build through it reaches the packages and built-ins it
// loads on first use (tar-stream, zlib, child_process).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { examplesDir, repoRoot, runCli, skipBuilds } from './cli-helpers.ts';
import { tempDir, testHome } from './harness.ts';

const skip = await skipBuilds();

/** Builds the bundle into a temporary folder and returns its file. */
function buildBundle(): string {
  const out = tempDir('bundle-');
  const built = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'scripts/build-cli.mjs'), out],
    { encoding: 'utf8' },
  );
  assert.equal(built.status, 0, built.stderr);
  return path.join(out, 'slipway.cjs');
}

test('the bundle plans an example exactly as the sources do', async () => {
  const bundle = buildBundle();
  const example = path.join(examplesDir, 'multi-stage-legacy-stage2');
  const args = ['plan', '--legacy', '--target', 'stage2', example];
  const bundled = spawnSync(process.execPath, [bundle, ...args], {
    encoding: 'utf8',
  });
  const sources = await runCli(args, { env: { SLIPWAY_FROM_SOURCE: '1' } });
  assert.equal(sources.status, 0, sources.stderr);
  assert.equal(bundled.status, 0, bundled.stderr);
  assert.equal(bundled.stdout, sources.stdout);
  assert.match(bundled.stdout, /Plan OK/);
});

test('the bundle builds and writes tar and gzip layers', { skip }, () => {
  const bundle = buildBundle();
  const context = tempDir('ctx-');
  fs.writeFileSync(
    path.join(context, 'Dockerfile'),
    'FROM busybox:1.36\nRUN echo bundled > /made\n',
  );
  const out = tempDir('out-');
  const run = spawnSync(
    process.execPath,
    [
      bundle,
      'build',
      '--progress=plain',
      '-o',
      `type=tar,dest=${path.join(out, 'files.tar')}`,
      '-o',
      `type=oci,dest=${path.join(out, 'oci')},tar=false`,
      context,
    ],
    { encoding: 'utf8', env: { ...process.env, SLIPWAY_HOME: testHome() } },
  );
  assert.equal(run.status, 0, run.stderr);
  const listed = spawnSync(
    'tar',
    ['-xOf', path.join(out, 'files.tar'), 'made'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(listed.stdout, 'bundled\n');
  const index = JSON.parse(
    fs.readFileSync(path.join(out, 'oci', 'index.json'), 'utf8'),
  ) as { manifests: unknown[] };
  assert.equal(index.manifests.length, 1);
});
