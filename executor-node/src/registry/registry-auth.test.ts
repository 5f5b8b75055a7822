import assert from 'node:assert/strict';
import { test } from 'node:test';

import { mergeScopes } from './registry-auth.ts';

test('merges actions on one repository', () => {
  assert.deepEqual(
    mergeScopes([
      'repository:library/busybox:pull',
      'repository:library/busybox:push,pull',
      'repository:other:pull',
    ]),
    ['repository:library/busybox:pull,push', 'repository:other:pull'],
  );
});
