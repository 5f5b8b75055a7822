// wasi/wasm as containerd and BuildKit read it: an OS/arch pair of its own,
// in `--platform`, in `FROM --platform=` and in the automatic args.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { planBuild } from '../plan/plan-build.ts';
import { resolveBuildOptions } from '../options/resolve-options.ts';
import {
  formatPlatform,
  isSamePlatform,
  parsePlatform,
  platformId,
} from './platform.ts';
import { createPlatformArgs } from './platform-args.ts';

const WASI_DOCKERFILE = [
  'FROM --platform=wasi/wasm scratch AS wasi',
  'COPY hello.wasm /hello.wasm',
  'RUN ["/hello.wasm", "--write", "/built.txt"]',
  'ENTRYPOINT ["/hello.wasm"]',
  '',
].join('\n');

test('wasi/wasm parses as OS wasi, architecture wasm, no variant', () => {
  const result = parsePlatform('wasi/wasm');
  assert.ok(result.ok);
  assert.deepEqual(result.platform, { os: 'wasi', architecture: 'wasm' });
  assert.equal(formatPlatform(result.platform), 'wasi/wasm');
  assert.equal(platformId(result.platform), 'wasi_wasm');
});

test('normalises the case of wasi/wasm and keeps wasip1 apart', () => {
  const upper = parsePlatform('WASI/WASM');
  assert.ok(upper.ok);
  assert.equal(formatPlatform(upper.platform), 'wasi/wasm');
  const p1 = parsePlatform('wasip1/wasm');
  assert.ok(p1.ok);
  assert.equal(formatPlatform(p1.platform), 'wasip1/wasm');
  assert.ok(!isSamePlatform(upper.platform, p1.platform));
});

// containerd knows wasm as an architecture but neither wasi nor wasip1 as
// an OS, so a lone word takes the other half from the host or fails.
test('wasm alone is the host OS on wasm; wasi alone is unknown', () => {
  const arch = parsePlatform('wasm', { os: 'linux', architecture: 'arm64' });
  assert.ok(arch.ok);
  assert.equal(formatPlatform(arch.platform), 'linux/wasm');
  const os = parsePlatform('wasi');
  assert.equal(
    !os.ok && os.error,
    '"wasi": unknown operating system or architecture: invalid argument',
  );
});

test('--platform wasi/wasm resolves and sets the TARGET args', () => {
  const resolved = resolveBuildOptions({ platforms: ['WASI/wasm'] });
  assert.deepEqual(resolved.diagnostics, []);
  assert.deepEqual(resolved.options.platforms, ['wasi/wasm']);
  const args = createPlatformArgs(
    { os: 'linux', architecture: 'amd64' },
    { os: 'wasi', architecture: 'wasm' },
    undefined,
  );
  assert.equal(args.get('TARGETPLATFORM'), 'wasi/wasm');
  assert.equal(args.get('TARGETOS'), 'wasi');
  assert.equal(args.get('TARGETARCH'), 'wasm');
  assert.equal(args.get('TARGETVARIANT'), '');
});

test('FROM --platform=wasi/wasm scratch pins the stage and its steps', () => {
  const plan = planBuild(WASI_DOCKERFILE);
  assert.ok(plan.ok, JSON.stringify(plan.diagnostics));
  const [target] = plan.platforms;
  assert.equal(target?.platform, 'linux/amd64');
  const stage = target!.stages.find((s) => s.index === target!.target)!;
  assert.equal(stage.platform, 'wasi/wasm');
  const steps = stage.vertices.map((id) => plan.vertices[id]!);
  assert.deepEqual(
    steps.map((v) => [v.kind, v.platform]),
    [
      ['copy', 'wasi/wasm'],
      ['run', 'wasi/wasm'],
    ],
  );
  const run = steps[1]!;
  assert.ok(run.kind === 'run');
  assert.deepEqual(run.args, ['/hello.wasm', '--write', '/built.txt']);
  assert.deepEqual(stage.config.entrypoint, ['/hello.wasm']);
  // A stage named after the platform is not a constant-platform warning.
  assert.deepEqual(
    plan.diagnostics.map((d) => d.code),
    [],
  );
});

test('the same steps for --platform wasi/wasm and FROM --platform=wasi/wasm', () => {
  const pinned = planBuild(WASI_DOCKERFILE);
  const both = planBuild(WASI_DOCKERFILE, { platforms: ['wasi/wasm'] });
  const plain = planBuild(
    WASI_DOCKERFILE.replace('--platform=wasi/wasm ', ''),
    {
      platforms: ['wasi/wasm'],
    },
  );
  assert.equal(both.platforms[0]?.platform, 'wasi/wasm');
  assert.equal(plain.platforms[0]?.platform, 'wasi/wasm');
  const ids = (plan: typeof pinned) =>
    Object.values(plan.vertices)
      .filter((v) => v.kind === 'run')
      .map((v) => v.id);
  assert.deepEqual(ids(both), ids(pinned));
  assert.deepEqual(ids(plain), ids(pinned));
});

test('a constant FROM --platform=wasi/wasm in a stage named otherwise is flagged', () => {
  const plan = planBuild(WASI_DOCKERFILE.replace('AS wasi', 'AS hello'));
  const lint = plan.diagnostics.find((d) =>
    d.message.includes('FROM --platform flag should not use constant value'),
  );
  assert.ok(lint, JSON.stringify(plan.diagnostics));
  assert.match(lint.message, /"wasi\/wasm"/);
});
