// The bundled CLI (scripts/build-cli.mjs) prints what the TypeScript sources
// print, and the launcher picks the bundle only while it is fresh.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import test from 'node:test';

import { examplesDir, repoRoot, runCli } from './cli-helpers.ts';
import { tempDir } from './harness.ts';

test('the bundle plans an example exactly as the sources do', async () => {
  const out = tempDir('bundle-');
  const built = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'scripts/build-cli.mjs'), out],
    { encoding: 'utf8' },
  );
  assert.equal(built.status, 0, built.stderr);
  const example = path.join(examplesDir, 'multi-stage-legacy-stage2');
  const args = ['plan', '--legacy', '--target', 'stage2', example];
  const bundled = spawnSync(
    process.execPath,
    [path.join(out, 'slipway.cjs'), ...args],
    { encoding: 'utf8' },
  );
  const sources = await runCli(args, { env: { SLIPWAY_FROM_SOURCE: '1' } });
  assert.equal(sources.status, 0, sources.stderr);
  assert.equal(bundled.status, 0, bundled.stderr);
  assert.equal(bundled.stdout, sources.stdout);
  assert.match(bundled.stdout, /Plan OK/);
});
