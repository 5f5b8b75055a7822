// The wasi-hello example on the host: its committed module matches hello.c
// and its record, the wasi/wasm image builds and exports, and its RUN stage
// fails with a clear message (WASI steps run in the browser only).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { examplesDir, repoRoot, runCli } from './cli-helpers.ts';

const run = promisify(execFile);
const dir = path.join(examplesDir, 'wasi-hello');
const TOOLCHAIN = [
  '/usr/bin/clang',
  '/usr/bin/wasm-ld',
  '/usr/include/wasm32-wasi/stdio.h',
];

let temp = '';

before(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'slipway-wasi-'));
});

after(async () => {
  await rm(temp, { recursive: true, force: true });
});

const sha256 = (data: Buffer) =>
  createHash('sha256').update(data).digest('hex');

describe('examples/wasi-hello', () => {
  test('hello.wasm is the module hello.wasm.json records', async () => {
    const record = JSON.parse(
      await readFile(path.join(dir, 'hello.wasm.json'), 'utf8'),
    );
    const wasm = await readFile(path.join(dir, 'hello.wasm'));
    const source = await readFile(path.join(dir, 'hello.c'));
    assert.deepEqual([...wasm.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
    assert.equal(sha256(wasm), record.sha256);
    assert.equal(wasm.length, record.size);
    assert.equal(
      sha256(source),
      record.source_sha256,
      'hello.c changed: run scripts/build-wasi-example.sh',
    );
    assert.match(record.packages['wasi-libc'], /\S/);
  });

  test('rebuilding hello.c with clang gives the committed bytes', async (t) => {
    if (!TOOLCHAIN.every((f) => existsSync(f))) {
      t.skip(
        'no wasm32-wasi toolchain: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32',
      );
      return;
    }
    const out = path.join(temp, 'hello.wasm');
    await run(path.join(repoRoot, 'scripts/build-wasi-example.sh'), [
      '--out',
      out,
    ]);
    const rebuilt = await readFile(out);
    const committed = await readFile(path.join(dir, 'hello.wasm'));
    assert.equal(sha256(rebuilt), sha256(committed));
  });

  test('builds and exports the wasi/wasm image, os wasi and arch wasm', async () => {
    const dest = path.join(temp, 'layout');
    const build = await runCli(
      [
        'build',
        '--progress',
        'plain',
        '--platform',
        'wasi/wasm',
        '--target',
        'wasi',
        '-o',
        `type=oci,dest=${dest},tar=false`,
        '.',
      ],
      { cwd: dir, env: { SLIPWAY_HOME: path.join(temp, 'home') } },
    );
    assert.equal(build.status, 0, build.stderr);
    assert.match(build.stderr, /\[wasi 1\/1\] COPY hello\.wasm data\.txt \//);

    const blob = (digest: string) =>
      readFile(path.join(dest, 'blobs', ...digest.split(':')));
    const index = JSON.parse(
      await readFile(path.join(dest, 'index.json'), 'utf8'),
    );
    const manifest = JSON.parse(String(await blob(index.manifests[0].digest)));
    const config = JSON.parse(String(await blob(manifest.config.digest)));
    assert.equal(config.os, 'wasi');
    assert.equal(config.architecture, 'wasm');
    assert.deepEqual(config.config.Entrypoint, ['/hello.wasm']);
    assert.deepEqual(config.config.Cmd, ['from', 'the', 'image']);
    assert.ok(config.config.Env.includes('HELLO_NAME=Slipway'));

    const layer = path.join(
      dest,
      'blobs',
      ...manifest.layers[0].digest.split(':'),
    );
    const unpacked = path.join(temp, 'unpacked');
    await run('mkdir', ['-p', unpacked]);
    await run('tar', ['-xzf', layer, '-C', unpacked]);
    assert.equal(
      sha256(await readFile(path.join(unpacked, 'hello.wasm'))),
      sha256(await readFile(path.join(dir, 'hello.wasm'))),
    );
  });

  test('the RUN stage stops with why the host does not run it', async () => {
    const build = await runCli(
      ['build', '--progress', 'plain', '--platform', 'wasi/wasm', '.'],
      { cwd: dir, env: { SLIPWAY_HOME: path.join(temp, 'home') } },
    );
    assert.equal(build.status, 1);
    assert.match(
      build.stderr,
      /ERROR: failed to solve: cannot run wasi\/wasm steps on this host/,
    );
  });
});
