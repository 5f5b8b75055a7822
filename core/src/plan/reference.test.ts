import { test } from 'node:test';
import assert from 'node:assert/strict';

import { normalizeImageName, parseImageReference } from './reference.ts';

test('normalises familiar names to docker.io/library with :latest', () => {
  assert.equal(normalizeImageName('alpine'), 'docker.io/library/alpine:latest');
  assert.equal(
    normalizeImageName('alpine:3.19'),
    'docker.io/library/alpine:3.19',
  );
  assert.equal(normalizeImageName('user/app'), 'docker.io/user/app:latest');
  assert.equal(
    normalizeImageName('index.docker.io/user/app:1'),
    'docker.io/user/app:1',
  );
  assert.equal(normalizeImageName('localhost/app'), 'localhost/app:latest');
  assert.equal(
    normalizeImageName('127.0.0.1:5000/app:dev'),
    '127.0.0.1:5000/app:dev',
  );
  assert.equal(
    normalizeImageName(`ghcr.io/o/r@sha256:${'a'.repeat(64)}`),
    `ghcr.io/o/r@sha256:${'a'.repeat(64)}`,
  );
});

test('refuses bad references with the reference library texts', () => {
  assert.deepEqual(parseImageReference('Alpine'), {
    error:
      'invalid reference format: repository name (library/Alpine) must be lowercase',
  });
  assert.deepEqual(parseImageReference('alpine:'), {
    error: 'invalid reference format',
  });
  assert.deepEqual(parseImageReference('-x'), {
    error: 'invalid reference format',
  });
  assert.deepEqual(parseImageReference('a'.repeat(64)), {
    error: `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`,
  });
  assert.equal(normalizeImageName('variant-${TARGETARCH}'), undefined);
});
