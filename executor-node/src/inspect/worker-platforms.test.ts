// Tests for platform detection: BuildKit's order, amd64 levels, and real
// probe executables run on this host.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { emulationProblem, hostPlatform } from '../runtime/emulation.ts';
import type { ProbeArch } from './probe-binaries.ts';
import {
  amd64Levels,
  detectWorkerPlatforms,
  runProbeExecutable,
} from './worker-platforms.ts';

const nativeArch = hostPlatform().split('/')[1] as ProbeArch;

test('lists native first, then working probes in BuildKit order', async () => {
  const works = new Set<ProbeArch>(['arm', 's390x', 'arm64', 'amd64']);
  const platforms = await detectWorkerPlatforms(async (a) => works.has(a));
  assert.equal(platforms[0], hostPlatform());
  const foreign = platforms.filter((p) => !p.startsWith(hostPlatform()));
  const expected = [
    'linux/amd64',
    'linux/arm64',
    'linux/s390x',
    'linux/arm/v7',
    'linux/arm/v6',
  ].filter((p) => !p.startsWith(hostPlatform()));
  assert.deepEqual(foreign, expected);
});

test('derives the x86-64 levels from CPU flags', () => {
  const v2 = ['cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'sse4_2', 'ssse3'];
  const v3 = ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe'];
  assert.deepEqual(amd64Levels(new Set(['sse2'])), []);
  assert.deepEqual(amd64Levels(new Set(v2)), ['v2']);
  assert.deepEqual(amd64Levels(new Set([...v2, ...v3, 'xsave'])), ['v2', 'v3']);
  // v4 flags without v3 do not count.
  assert.deepEqual(
    amd64Levels(new Set([...v2, 'avx512f', 'avx512bw', 'avx512cd'])),
    ['v2'],
  );
});

test('the probe for the native architecture runs', async () => {
  assert.equal(await runProbeExecutable(nativeArch), true);
});

test('a foreign probe runs exactly when QEMU is registered with F', async () => {
  const foreign: ProbeArch = nativeArch === 'arm64' ? 'amd64' : 'arm64';
  const usable = emulationProblem(`linux/${foreign}`) === undefined;
  assert.equal(await runProbeExecutable(foreign), usable);
});
