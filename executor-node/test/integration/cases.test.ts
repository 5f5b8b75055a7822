// Runs `slipway cases` on the shared behaviour cases: every S case (the
// Docker docs scenarios) and every B case must pass or be skipped with a reason.

import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import type { CaseResult } from '../../src/cases/run-case.ts';
import { casesDir, runCli, skipBuilds } from './cli-helpers.ts';

interface CasesReport {
  summary: {
    passed: number;
    failed: number;
    skipped: number;
    executed: number;
  };
  cases: CaseResult[];
}

let report: CasesReport;
let temp = '';

before(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'slipway-cases-'));
  const run = await runCli(['cases', '--json', casesDir], {
    timeoutMs: 900_000,
  });
  assert.ok(
    run.stdout.trim().startsWith('{'),
    `no JSON report:\n${run.stderr}`,
  );
  report = JSON.parse(run.stdout) as CasesReport;
  for (const result of report.cases) {
    const line = `${result.status.toUpperCase()} ${result.id} ${result.area}`;
    console.log(`# ${result.reason ? `${line}: ${result.reason}` : line}`);
  }
});

after(async () => {
  await rm(temp, { recursive: true, force: true });
});

const lines = (results: CaseResult[]) =>
  results.map((r) => `${r.id}: ${r.failures.join('; ')}`).join('\n');

test('runs every case folder', async () => {
  const folders = (await readdir(casesDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  assert.deepEqual(report.cases.map((r) => r.id).sort(), folders);
});

test('no S case (Docker docs scenarios) fails', () => {
  const failed = report.cases.filter(
    (r) => r.id.startsWith('S') && r.status === 'fail',
  );
  assert.equal(failed.length, 0, lines(failed));
});

test('no B case (reported bugs) fails', () => {
  const failed = report.cases.filter(
    (r) => r.id.startsWith('B') && r.status === 'fail',
  );
  assert.equal(failed.length, 0, lines(failed));
});

test('skips only with a reason, and runs the busybox cases for real', async () => {
  for (const result of report.cases.filter((r) => r.status === 'skip')) {
    assert.match(result.reason ?? '', /\(plan checks passed\)$/, result.id);
  }
  if (await skipBuilds()) return;
  const s01 = report.cases.find((r) => r.id === 'S01');
  assert.equal(s01?.executed, true, 'S01 uses busybox only and should run');
  assert.match(s01?.progress ?? '', /FOO=injected/);
});

test('never writes into the shared case folders', async () => {
  for (const id of ['S08', 'B23', 'B25']) {
    const entries = await readdir(path.join(casesDir, id));
    assert.ok(!entries.includes('out'), `${id}/out was created`);
  }
});

test('fails a case whose expectation does not hold, and says why', async () => {
  const dir = path.join(temp, 'X01');
  await cp(path.join(casesDir, 'S06'), dir, { recursive: true });
  await writeFile(
    path.join(dir, 'case.json'),
    JSON.stringify({
      id: 'X01',
      area: 'stage-name-target',
      command: 'docker buildx build --target stage2 .',
      expect: { stages_skipped: ['base'] },
    }),
  );
  const run = await runCli(['cases', '--plan-only', dir]);
  assert.equal(run.status, 1);
  assert.match(
    run.stdout,
    /^FAIL X01 stage-name-target: stage "base" is built, expected skipped$/m,
  );
  assert.match(run.stdout, /^0 passed, 1 failed, 0 skipped$/m);
});
