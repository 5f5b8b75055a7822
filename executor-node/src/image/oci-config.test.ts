import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ImageConfig } from '../../../core/src/index.ts';
import { exportedPlatform, readConfigPlatform } from './oci-config.ts';

function config(platform?: string): ImageConfig {
  return {
    env: [],
    labels: {},
    exposedPorts: [],
    volumes: [],
    shell: [],
    onBuild: [],
    ...(platform ? { platform } : {}),
  };
}

test('reads os, architecture and variant of an image config', () => {
  assert.equal(
    readConfigPlatform({ os: 'linux', architecture: 'arm', variant: 'v6' }),
    'linux/arm/v6',
  );
  assert.equal(
    readConfigPlatform({ os: 'linux', architecture: 'amd64', variant: '' }),
    'linux/amd64',
  );
  assert.equal(readConfigPlatform({ os: 'linux' }), undefined);
  assert.equal(
    readConfigPlatform({ os: '', architecture: 'amd64' }),
    undefined,
  );
});

test('without --platform the config keeps its base image’s platform', () => {
  assert.deepEqual(
    exportedPlatform('linux/amd64', config('linux/arm64/v8'), true),
    {
      os: 'linux',
      architecture: 'arm64',
    },
  );
  assert.deepEqual(exportedPlatform('linux/amd64', config('linux/arm'), true), {
    os: 'linux',
    architecture: 'arm',
    variant: 'v7',
  });
});

test('a scratch stage gets the target platform, pinned or not', () => {
  assert.deepEqual(exportedPlatform('linux/amd64', config(), true), {
    os: 'linux',
    architecture: 'amd64',
  });
  assert.deepEqual(exportedPlatform('wasi/wasm', config(), false), {
    os: 'wasi',
    architecture: 'wasm',
  });
});

test('with --platform the target wins, a matching base keeps its variant', () => {
  assert.deepEqual(
    exportedPlatform('linux/amd64', config('linux/arm64'), false),
    {
      os: 'linux',
      architecture: 'amd64',
    },
  );
  assert.deepEqual(
    exportedPlatform('linux/amd64', config('linux/amd64/v3'), false),
    {
      os: 'linux',
      architecture: 'amd64',
      variant: 'v3',
    },
  );
  assert.deepEqual(
    exportedPlatform('linux/arm/v6', config('linux/arm/v7'), false),
    {
      os: 'linux',
      architecture: 'arm',
      variant: 'v6',
    },
  );
});
