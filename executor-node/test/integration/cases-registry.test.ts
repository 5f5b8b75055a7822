// Runs every shared case for real against a registry mirror for docker.io
// that holds the test fixtures (debian from debootstrap, labelled busybox
// stand-ins for alpine, ubuntu, golang and rust), so the cases that the
// built-in store alone cannot serve execute too.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';

import type { CaseResult } from '../../src/cases/run-case.ts';
import { casesDir, repoRoot, runCli } from './cli-helpers.ts';
import { testHome } from './harness.ts';
import {
  rigSkipReason,
  startRegistry,
  type RegistryRig,
} from './registry-rig.ts';

const run = promisify(execFile);

const skip = rigSkipReason();

/** Cases that may be skipped, and why: the rest must pass. */
const ALLOWED_SKIPS: Record<string, RegExp> = {
  S04: /needs an NVIDIA GPU/,
  S05: /stand-in image golang:alpine has no Go toolchain/,
  S08: /stand-in image rust:alpine has no Rust toolchain/,
  // debian for arm64 is seeded only once built with --debian-arch (minutes).
  B22: /image debian:bookworm-slim \(linux\/arm64\) not in the built-in store or a reachable registry/,
};

let rig: RegistryRig | undefined;
let results: CaseResult[] = [];

before(async () => {
  if (skip) return;
  rig = await startRegistry('anonymous');
  const seeded = Date.now();
  await run(
    path.join(repoRoot, 'scripts/seed-test-registry.sh'),
    ['--registry', rig.host],
    {
      timeout: 1_200_000,
    },
  );
  console.log(
    `fixtures seeded in ${((Date.now() - seeded) / 1000).toFixed(1)} s`,
  );
  const started = Date.now();
  const cases = await runCli(
    [
      'cases',
      '--json',
      '--registry-mirror',
      `docker.io=http://${rig.host}`,
      casesDir,
    ],
    // A home of its own (sharing the built-in store) keeps other builds out.
    { timeoutMs: 1_200_000, env: { SLIPWAY_HOME: testHome() } },
  );
  assert.ok(
    cases.stdout.trim().startsWith('{'),
    `no JSON report:\n${cases.stderr}`,
  );
  const report = JSON.parse(cases.stdout) as {
    summary: {
      passed: number;
      failed: number;
      skipped: number;
      executed: number;
    };
    cases: CaseResult[];
  };
  results = report.cases;
  const { passed, failed, skipped, executed } = report.summary;
  console.log(
    `cases through the mirror: ${passed} passed, ${failed} failed, ${skipped} skipped, ${executed} executed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const r of results.filter((r) => r.status !== 'pass')) {
    console.log(`${r.status.toUpperCase()} ${r.id}: ${r.reason ?? ''}`);
  }
});

after(() => rig?.stop());

test('no case fails through the fixture mirror', { skip }, () => {
  const failed = results.filter((r) => r.status === 'fail');
  assert.deepEqual(
    failed.map((r) => `${r.id}: ${r.failures.join('; ')}`),
    [],
  );
});

test(
  'only GPU and toolchain cases are skipped, each with its reason',
  { skip },
  () => {
    for (const r of results.filter((r) => r.status === 'skip')) {
      const allowed = ALLOWED_SKIPS[r.id];
      assert.ok(allowed, `${r.id} skipped: ${r.reason}`);
      if (r.id === 'S04' && !/NVIDIA/.test(r.reason ?? '')) continue;
      assert.match(r.reason ?? '', allowed);
    }
  },
);

test('the alpine, ubuntu and debian cases ran for real', { skip }, () => {
  for (const id of ['B05', 'B06', 'B08', 'B21', 'B23', 'B25', 'S06', 'S07']) {
    const r = results.find((c) => c.id === id);
    assert.equal(r?.executed, true, `${id}: ${r?.reason ?? 'missing'}`);
    assert.equal(r?.status, 'pass', `${id}: ${r?.failures.join('; ')}`);
  }
});
