// Runs shared/corpus/cdi/cases.json through runCdiCaseFile: every case must
// pass, and a case with a flipped verdict must be reported as failed.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { parseDevice } from '../instructions/run-device.ts';
import { runCdiCaseFile } from './cases.ts';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const corpus = path.resolve(repoRoot, '../shared/corpus/cdi');
const casesJson = readFileSync(path.join(corpus, 'cases.json'), 'utf8');
const buildkitFixtures = readdirSync(path.join(corpus, 'buildkit-fixtures'))
  .sort()
  .map((name) => ({
    path: `/etc/cdi/${name}`,
    priority: 0,
    text: readFileSync(path.join(corpus, 'buildkit-fixtures', name), 'utf8'),
  }));

describe('cases.json', () => {
  it('passes every reference case', () => {
    const report = runCdiCaseFile(casesJson, {
      buildkitFixtures,
      parseDeviceFlag: parseDevice,
    });
    assert.deepEqual(report.failures, []);
    assert.equal(report.skipped, 0);
    assert.equal(report.passed, JSON.parse(casesJson).length);
  });

  it('skips the cases whose inputs are not given', () => {
    const report = runCdiCaseFile(casesJson);
    assert.equal(report.skipped, 5 + 8);
    assert.equal(report.failed, 0);
  });

  it('reports a case whose verdict is flipped', () => {
    const cases = JSON.parse(casesJson) as { valid: boolean }[];
    cases[0]!.valid = !cases[0]!.valid;
    const report = runCdiCaseFile(JSON.stringify(cases), { buildkitFixtures });
    assert.equal(report.failed, 1);
    assert.match(report.failures[0]!, /^#0 qualified-device-name/);
  });

  it('reports a case whose stated error text differs', () => {
    const altered = JSON.stringify([
      {
        input: { check: 'spec-version', value: { cdiVersion: '1.2.0' } },
        valid: false,
        note: 'unknown -> \'invalid version "1.3.0"\'',
      },
    ]);
    const report = runCdiCaseFile(altered);
    assert.equal(report.failed, 1);
  });

  it('reports a file that is not JSON', () => {
    assert.equal(runCdiCaseFile('{').failed, 1);
  });
});
