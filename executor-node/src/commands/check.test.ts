// The texts buildx prints around build checks: the warning list after a
// build, and a failed check's error with its excerpt.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { planBuild } from '../../../core/src/index.ts';
import { formatCheckError, formatWarningSummary } from './check.ts';

const DOCKERFILE = 'FROM busybox AS Build\nMAINTAINER me\nRUN true\n';

test('lists check warnings as buildx does after a build', () => {
  const warnings = planBuild(DOCKERFILE).diagnostics;
  assert.equal(
    formatWarningSummary(warnings),
    [
      '',
      ' 2 warnings found (use docker --debug to expand):',
      " - StageNameCasing: Stage name 'Build' should be lowercase (line 1)",
      ' - MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label (line 2)',
      '',
    ].join('\n'),
  );
  assert.equal(
    formatWarningSummary(warnings.slice(0, 1)),
    "\n 1 warning found (use docker --debug to expand):\n - StageNameCasing: Stage name 'Build' should be lowercase (line 1)\n",
  );
  assert.equal(formatWarningSummary([]), '');
});

test('prints a check error with its excerpt and a closing blank line', () => {
  const [error] = planBuild('FROM busybox\nFOO bar\n').diagnostics.filter(
    (d) => d.severity === 'error',
  );
  assert.equal(
    formatCheckError(error, 'FROM busybox\nFOO bar\n'),
    [
      'ERROR: unknown instruction: FOO (did you mean FROM?)',
      'Dockerfile:2',
      '--------------------',
      '   1 |     FROM busybox',
      '   2 | >>> FOO bar',
      '   3 |     ',
      '--------------------',
      '',
      '',
    ].join('\n'),
  );
  assert.equal(
    formatCheckError(
      { code: 'x', severity: 'error', message: 'no location' },
      '',
    ),
    'ERROR: no location\n\n',
  );
});
