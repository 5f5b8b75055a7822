import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  formatPlatform,
  formatPlatformAll,
  isSamePlatform,
  parsePlatform,
  platformId,
} from './platform.ts';
import { createPlatformArgs } from './platform-args.ts';

function formatted(spec: string): string {
  const result = parsePlatform(spec);
  assert.ok(result.ok, `expected ${spec} to parse`);
  return formatPlatform(result.platform);
}

test('normalises the architecture aliases containerd knows', () => {
  assert.equal(formatted('linux/arm'), 'linux/arm/v7');
  assert.equal(formatted('linux/arm/7'), 'linux/arm/v7');
  assert.equal(formatted('linux/arm/v6'), 'linux/arm/v6');
  assert.equal(formatted('linux/armhf'), 'linux/arm/v7');
  assert.equal(formatted('linux/armel'), 'linux/arm/v6');
  assert.equal(formatted('linux/arm64/v8'), 'linux/arm64');
  assert.equal(formatted('linux/aarch64'), 'linux/arm64');
  assert.equal(formatted('linux/arm64/9'), 'linux/arm64/v9');
  assert.equal(formatted('linux/x86_64'), 'linux/amd64');
  assert.equal(formatted('linux/amd64/v1'), 'linux/amd64');
  assert.equal(formatted('linux/amd64/v3'), 'linux/amd64/v3');
  assert.equal(formatted('linux/i386'), 'linux/386');
  assert.equal(formatted('Linux/AMD64'), 'linux/amd64');
  assert.equal(formatted('macos/arm64'), 'darwin/arm64');
});

test('fills a one-word specifier from the host', () => {
  assert.equal(formatted('linux'), 'linux/amd64');
  assert.equal(formatted('arm64'), 'linux/arm64');
  assert.equal(formatted('arm'), 'linux/arm/v7');
  const windows = parsePlatform('windows', {
    os: 'linux',
    architecture: 'arm64',
  });
  assert.ok(windows.ok);
  assert.equal(formatPlatform(windows.platform), 'windows/arm64');
});

test('keeps the OS version for formatPlatformAll only', () => {
  const result = parsePlatform('windows(10.0.17763)/amd64');
  assert.ok(result.ok);
  assert.equal(formatPlatform(result.platform), 'windows/amd64');
  assert.equal(formatPlatformAll(result.platform), 'windows(10.0.17763)/amd64');
});

test('rejects what containerd rejects, with its wording', () => {
  const wildcard = parsePlatform('linux/*');
  assert.equal(wildcard.ok, false);
  assert.match(
    !wildcard.ok ? wildcard.error : '',
    /wildcards not yet supported/,
  );
  const unknown = parsePlatform('plan10');
  assert.equal(
    !unknown.ok && unknown.error,
    '"plan10": unknown operating system or architecture: invalid argument',
  );
  const bad = parsePlatform('linux/am d64');
  assert.match(!bad.ok ? bad.error : '', /is an invalid component of/);
  const tooMany = parsePlatform('linux/arm/v7/x');
  assert.match(
    !tooMany.ok ? tooMany.error : '',
    /cannot parse platform specifier/,
  );
  assert.equal(parsePlatform('').ok, false);
});

test('compares and names platforms after normalising', () => {
  assert.ok(
    isSamePlatform(
      { os: 'linux', architecture: 'arm' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ),
  );
  assert.ok(
    !isSamePlatform(
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'amd64' },
    ),
  );
  assert.equal(
    platformId({ os: 'linux', architecture: 'arm', variant: 'v7' }),
    'linux_arm_v7',
  );
});

test('creates the automatic args, overridable by build args', () => {
  const args = createPlatformArgs(
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm', variant: 'v7' },
    undefined,
    { BUILDARCH: 'x' },
  );
  assert.equal(args.get('BUILDPLATFORM'), 'linux/amd64');
  assert.equal(args.get('BUILDARCH'), 'x');
  assert.equal(args.get('BUILDVARIANT'), '');
  assert.equal(args.get('TARGETPLATFORM'), 'linux/arm/v7');
  assert.equal(args.get('TARGETOS'), 'linux');
  assert.equal(args.get('TARGETARCH'), 'arm');
  assert.equal(args.get('TARGETVARIANT'), 'v7');
  assert.equal(args.get('TARGETSTAGE'), 'default');
  assert.deepEqual([...args.keys()].length, 11);
});
