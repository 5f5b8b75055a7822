import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseChallenges } from './www-authenticate.ts';

test('Bearer realm="https://auth.docker.io/token",service=...,scope=...', () => {
  const header =
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"';
  assert.deepEqual(parseChallenges(header), [
    {
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/alpine:pull',
      },
    },
  ]);
});

test('keeps commas inside quoted scopes and reads the error', () => {
  const [challenge] = parseChallenges(
    'Bearer realm="http://127.0.0.1:5081/token",service="rig",scope="repository:a/b:pull,push",error="insufficient_scope"',
  );
  assert.equal(challenge?.params.scope, 'repository:a/b:pull,push');
  assert.equal(challenge?.params.error, 'insufficient_scope');
});

test('Basic realm="probe-realm"', () => {
  assert.deepEqual(parseChallenges('Basic realm="probe-realm"'), [
    { scheme: 'basic', params: { realm: 'probe-realm' } },
  ]);
});

test('several challenges, unquoted values and escapes', () => {
  assert.deepEqual(
    parseChallenges('Basic realm=plain, Bearer realm="a\\"b", charset=UTF-8'),
    [
      { scheme: 'basic', params: { realm: 'plain' } },
      { scheme: 'bearer', params: { realm: 'a"b', charset: 'UTF-8' } },
    ],
  );
});

test('an empty header has no challenge', () => {
  assert.deepEqual(parseChallenges(''), []);
});
