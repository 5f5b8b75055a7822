// Reference normalisation as Docker does it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { normalizeReference, parseReference } from './reference.ts';
import { matchesPlatform } from './platform-match.ts';

test('busybox is docker.io/library/busybox:latest', () => {
  assert.equal(
    normalizeReference('busybox'),
    'docker.io/library/busybox:latest',
  );
  assert.equal(
    normalizeReference('busybox:1.36'),
    'docker.io/library/busybox:1.36',
  );
  assert.equal(
    normalizeReference('index.docker.io/library/busybox:1.36'),
    'docker.io/library/busybox:1.36',
  );
});

test('a registry with a port keeps its path and tag', () => {
  assert.deepEqual(parseReference('localhost:5000/team/app:v1'), {
    name: 'localhost:5000/team/app',
    tag: 'v1',
    digest: undefined,
  });
  assert.equal(
    normalizeReference('ghcr.io/org/tool'),
    'ghcr.io/org/tool:latest',
  );
});

test('a digest reference gets no default tag', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  assert.equal(
    normalizeReference(`user/app@${digest}`),
    `docker.io/user/app@${digest}`,
  );
});

test('arm64 matches v8 or no variant; arm means arm/v7', () => {
  const arm64 = { os: 'linux', architecture: 'arm64', variant: 'v8' };
  assert.equal(matchesPlatform(arm64, 'linux/arm64'), true);
  assert.equal(matchesPlatform(arm64, 'linux/arm64/v8'), true);
  const arm = { os: 'linux', architecture: 'arm', variant: 'v7' };
  assert.equal(matchesPlatform(arm, 'linux/arm'), true);
  assert.equal(matchesPlatform(arm, 'linux/arm/v6'), false);
  assert.equal(
    matchesPlatform({ os: 'linux', architecture: 'amd64' }, 'linux/386'),
    false,
  );
});
