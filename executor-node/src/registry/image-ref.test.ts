import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  apiHost,
  isLoopbackHost,
  manifestReference,
  parseRegistryReference,
} from './image-ref.ts';

test('busybox is docker.io/library/busybox:latest on registry-1.docker.io', () => {
  const ref = parseRegistryReference('busybox');
  assert.deepEqual(ref, {
    registry: 'docker.io',
    repository: 'library/busybox',
    tag: 'latest',
    digest: undefined,
    full: 'docker.io/library/busybox:latest',
  });
  assert.equal(apiHost(ref.registry), 'registry-1.docker.io');
});

test('127.0.0.1:5000/team/app:v1 keeps its registry and path', () => {
  const ref = parseRegistryReference('127.0.0.1:5000/team/app:v1');
  assert.equal(ref.registry, '127.0.0.1:5000');
  assert.equal(ref.repository, 'team/app');
  assert.equal(manifestReference(ref), 'v1');
  assert.equal(apiHost(ref.registry), '127.0.0.1:5000');
});

test('a digest names the manifest, even with a tag', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const ref = parseRegistryReference(`alpine:3.19@${digest}`);
  assert.equal(ref.repository, 'library/alpine');
  assert.equal(manifestReference(ref), digest);
  assert.equal(ref.full, `docker.io/library/alpine:3.19@${digest}`);
});

test('user/repo on Docker Hub gets no library/ prefix', () => {
  assert.equal(parseRegistryReference('user/repo').repository, 'user/repo');
  assert.equal(
    parseRegistryReference('index.docker.io/user/repo').registry,
    'docker.io',
  );
});

test('refuses upper case names and short digests', () => {
  assert.throws(
    () => parseRegistryReference('Busybox'),
    /invalid reference format/,
  );
  assert.throws(
    () => parseRegistryReference('busybox@sha256:abc'),
    /unsupported digest/,
  );
});

test('knows loopback hosts', () => {
  assert.equal(isLoopbackHost('127.0.0.1:5000'), true);
  assert.equal(isLoopbackHost('localhost'), true);
  assert.equal(isLoopbackHost('[::1]:5000'), true);
  assert.equal(isLoopbackHost('registry.example:5000'), false);
});
