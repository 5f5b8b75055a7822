import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseAllow } from './allow.ts';
import { splitCsv } from './csv.ts';
import { parseOutput } from './output.ts';
import { isMultiPlatform, resolveBuildOptions } from './resolve-options.ts';

test('-o out is the local exporter writing to out', () => {
  assert.deepEqual(parseOutput('out'), {
    ok: true,
    output: { type: 'local', dest: 'out', attrs: {} },
  });
});

test('-o - is a tarball on stdout', () => {
  assert.deepEqual(parseOutput('-'), {
    ok: true,
    output: { type: 'tar', dest: '-', attrs: {} },
  });
});

test('--output type=local,dest=out,platform-split=false', () => {
  assert.deepEqual(parseOutput('type=local,dest=out,platform-split=false'), {
    ok: true,
    output: {
      type: 'local',
      dest: 'out',
      attrs: { 'platform-split': 'false' },
    },
  });
});

test('type=registry becomes a pushed image, as in buildx', () => {
  const result = parseOutput('type=registry,name=example/app');
  assert.ok(result.ok);
  assert.deepEqual(result.output, {
    type: 'image',
    attrs: { name: 'example/app', push: 'true', unpack: 'false' },
  });
});

test('a tar or oci output without dest goes to stdout', () => {
  const tar = parseOutput('type=tar');
  assert.ok(tar.ok);
  assert.equal(tar.output.dest, '-');
  const dir = parseOutput('type=oci,tar=false,dest=layout');
  assert.ok(dir.ok);
  assert.equal(dir.output.dest, 'layout');
});

test('rejects outputs buildx rejects, with its words', () => {
  const cases: [string, string][] = [
    ['type=local', 'dest is required for local exporter'],
    ['type=local,dest=-', 'dest cannot be stdout for local exporter'],
    ['dest=out,mode', 'invalid value mode'],
    ['dest=out,mode=copy', 'type is required for output'],
    ['type=floppy,dest=a', 'exporter "floppy" could not be found'],
  ];
  for (const [value, error] of cases) {
    assert.deepEqual(parseOutput(value), { ok: false, error }, value);
  }
});

test('splits CSV with quoted fields', () => {
  assert.deepEqual(splitCsv('a,"b,c",d'), {
    ok: true,
    values: ['a', 'b,c', 'd'],
  });
  assert.deepEqual(splitCsv('"say ""hi"""'), {
    ok: true,
    values: ['say "hi"'],
  });
  assert.equal(splitCsv('"open').ok, false);
  assert.equal(splitCsv('a"b').ok, false);
});

test('--allow device grants every device; device=NAME grants one', () => {
  const all = parseAllow(['device']);
  assert.deepEqual(all.entitlements.device, { all: true, names: [] });
  const named = parseAllow([
    'device=vendor1.com/device=foo',
    'device=nvidia.com/gpu,alias=gpu',
    'network.host',
  ]);
  assert.deepEqual(named.errors, []);
  assert.deepEqual(named.entitlements.device, {
    all: false,
    names: ['vendor1.com/device=foo'],
    aliases: { gpu: 'nvidia.com/gpu' },
  });
  assert.equal(named.entitlements.networkHost, true);
  assert.equal(named.entitlements.securityInsecure, false);
});

test('rejects unknown entitlements with BuildKit text', () => {
  const result = parseAllow([
    'fs.read',
    'device=x,color=red',
    'device=x,alias',
  ]);
  assert.deepEqual(result.errors, [
    'unknown entitlement fs.read',
    'unknown device config key "color"',
    'invalid device config "alias"',
  ]);
});

test('resolves defaults: the build platform is the target', () => {
  const { options, diagnostics } = resolveBuildOptions({});
  assert.deepEqual(diagnostics, []);
  assert.equal(options.file, 'Dockerfile');
  assert.deepEqual(options.platforms, ['linux/amd64']);
  assert.equal(options.buildPlatform, 'linux/amd64');
  assert.deepEqual(options.builderPlatforms, ['linux/amd64']);
  assert.deepEqual(options.device, { all: false, names: [] });
  assert.equal(options.target, undefined);
  assert.equal(isMultiPlatform(options), false);
});

test('normalises and de-duplicates platforms from comma lists', () => {
  const { options, diagnostics } = resolveBuildOptions({
    platforms: ['linux/amd64,linux/arm', 'linux/arm/v7', 'local'],
    buildPlatform: 'linux/arm64/v8',
  });
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(options.platforms, [
    'linux/amd64',
    'linux/arm/v7',
    'linux/arm64',
  ]);
  assert.equal(options.buildPlatform, 'linux/arm64');
  assert.equal(isMultiPlatform(options), true);
});

test('BUILDKIT_MULTI_PLATFORM=1 forces multi-platform mode', () => {
  const { options } = resolveBuildOptions({
    buildArgs: { BUILDKIT_MULTI_PLATFORM: '1' },
  });
  assert.equal(isMultiPlatform(options), true);
});

test('BUILDKIT_MULTI_PLATFORM=0 refuses several platforms', () => {
  const { diagnostics } = resolveBuildOptions({
    platforms: ['linux/amd64,linux/arm64'],
    buildArgs: { BUILDKIT_MULTI_PLATFORM: '0' },
  });
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    ['conflicting config: returning multiple target platforms is not allowed'],
  );
  const bad = resolveBuildOptions({
    buildArgs: { BUILDKIT_MULTI_PLATFORM: 'yes' },
  });
  assert.deepEqual(
    bad.diagnostics.map((d) => d.message),
    ['invalid boolean value for multi-platform: yes'],
  );
});

test('reports bad platforms, outputs and entitlements together', () => {
  const { diagnostics } = resolveBuildOptions({
    platforms: ['linux/*'],
    outputs: ['type=local', '-', 'type=tar,dest=-'],
    allow: ['root'],
  });
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.severity]),
    [
      ['invalid-platform', 'error'],
      ['invalid-entitlement', 'error'],
      ['invalid-output', 'error'],
      ['invalid-output', 'error'],
    ],
  );
  assert.equal(
    diagnostics[3].message,
    'multiple outputs configured to write to stdout',
  );
});
