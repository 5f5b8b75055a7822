// Tests for reading a case's docker buildx build line into build flags.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { toBuildInvocation } from '../commands/build-flags.ts';
import { parseCaseCommand } from './case-command.ts';

const parse = (line: string) => {
  const result = parseCaseCommand(line);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result;
};

test('docker buildx build --allow device .', () => {
  const { contextArg, flags } = parse('docker buildx build --allow device .');
  assert.equal(contextArg, '.');
  assert.deepEqual(flags.allow, ['device']);
  assert.equal(flags.platform, undefined);
  assert.equal(flags.cache, true);
});

test('docker buildx build --platform=linux/amd64,linux/arm64 --output=out .', () => {
  const { flags } = parse(
    'docker buildx build --platform=linux/amd64,linux/arm64 --output=out .',
  );
  assert.deepEqual(flags.platform, ['linux/amd64', 'linux/arm64']);
  assert.deepEqual(flags.output, ['out']);
});

test('repeats --platform, --build-arg and -o, and reads --target=RELEASE', () => {
  const { flags } = parse(
    `docker build --platform linux/386 --platform linux/arm64 --build-arg A=1 --build-arg 'B=two words' -o type=local,dest=out --target=RELEASE --no-cache -f sub/Dockerfile .`,
  );
  assert.deepEqual(flags.platform, ['linux/386', 'linux/arm64']);
  assert.deepEqual(flags.buildArg, ['A=1', 'B=two words']);
  assert.deepEqual(flags.output, ['type=local,dest=out']);
  assert.equal(flags.target, 'RELEASE');
  assert.equal(flags.cache, false);
  assert.equal(flags.file, 'sub/Dockerfile');
});

test('turns flags into build options relative to the case folder', () => {
  const { contextArg, flags } = parse(
    'docker buildx build --build-arg FROM_ENV --build-arg UNSET --build-arg X= -f sub/Dockerfile.x ctx',
  );
  const invocation = toBuildInvocation(contextArg, flags, '/cases/B01', {
    FROM_ENV: 'env value',
  });
  assert.equal(invocation.contextDir, '/cases/B01/ctx');
  assert.equal(invocation.dockerfilePath, '/cases/B01/sub/Dockerfile.x');
  assert.equal(invocation.options.file, 'Dockerfile.x');
  assert.deepEqual(invocation.options.buildArgs, {
    FROM_ENV: 'env value',
    X: '',
  });
});

test('defaults the Dockerfile to PATH/Dockerfile', () => {
  const { contextArg, flags } = parse('docker buildx build app');
  const invocation = toBuildInvocation(contextArg, flags, '/w', {});
  assert.equal(invocation.dockerfilePath, '/w/app/Dockerfile');
  assert.equal(invocation.progress, 'auto');
});

test('rejects other commands, unknown flags and a missing context', () => {
  assert.deepEqual(parseCaseCommand('podman build .'), {
    ok: false,
    error: 'expected "docker buildx build ..."',
  });
  const unknown = parseCaseCommand('docker buildx build --frobnicate .');
  assert.equal(unknown.ok, false);
  const missing = parseCaseCommand('docker buildx build --allow device');
  assert.equal(missing.ok, false);
});
