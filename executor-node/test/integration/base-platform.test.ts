// Base images for another platform, through the CLI and a real registry: a
// tag naming one arm64 manifest serves a linux/amd64 build with BuildKit's
// InvalidBaseImagePlatform warning, an index without the platform fails with
// its error, and the exported config's platform follows BuildKit's frontend.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { slipwayPaths } from '../../src/paths.ts';
import { emulationProblem } from '../../src/runtime/emulation.ts';
import { runCli } from './cli-helpers.ts';
import { tempDir, testHome } from './harness.ts';
import {
  rigSkipReason,
  skopeoCopy,
  startRegistry,
  type RegistryRig,
} from './registry-rig.ts';

const run = promisify(execFile);
const BUSYBOX = `oci:${slipwayPaths().images}:docker.io/library/busybox:1.36`;
const HOST_ARCH = process.arch === 'x64' ? 'amd64' : process.arch;

const skip = rigSkipReason();

/** Builds `dockerfile` with `args`; returns the run and the exported layout. */
async function build(dockerfile: string, args: string[], home = testHome()) {
  const dir = tempDir('ctx-');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello\n');
  const dest = path.join(tempDir('out-'), 'layout');
  const cli = await runCli(
    [
      'build',
      '--progress=plain',
      ...args,
      '-o',
      `type=oci,dest=${dest},tar=false`,
      dir,
    ],
    { env: { SLIPWAY_HOME: home } },
  );
  return { cli, dest };
}

/** Reads the exported image's manifest and config from an OCI layout. */
function readImage(dest: string) {
  const blob = (digest: string) =>
    JSON.parse(
      fs.readFileSync(path.join(dest, 'blobs', ...digest.split(':')), 'utf8'),
    );
  const index = JSON.parse(
    fs.readFileSync(path.join(dest, 'index.json'), 'utf8'),
  );
  const manifest = blob(index.manifests[0].digest);
  return { manifest, config: blob(manifest.config.digest) };
}

function platformOf(config: Record<string, string>): string {
  return [config.os, config.architecture, config.variant]
    .filter(Boolean)
    .join('/');
}

describe('base images for another platform', { skip }, () => {
  let rig: RegistryRig;
  before(async () => {
    rig = await startRegistry('anonymous');
    await skopeoCopy(BUSYBOX, `docker://${rig.host}/multi/busybox:latest`);
    // Without --all skopeo copies the one arm64 manifest, not the index.
    await run('skopeo', [
      '--insecure-policy',
      'copy',
      '--quiet',
      '--override-arch',
      'arm64',
      '--dest-tls-verify=false',
      BUSYBOX,
      `docker://${rig.host}/single/busybox:arm64`,
    ]);
  });
  after(() => rig?.stop());

  test('one arm64 manifest serves linux/amd64 with InvalidBaseImagePlatform', async () => {
    const ref = `${rig.host}/single/busybox:arm64`;
    const { cli, dest } = await build(`FROM ${ref}\nCOPY hello.txt /\n`, [
      '--platform=linux/amd64',
    ]);
    assert.equal(cli.status, 0, cli.stderr);
    const message = `InvalidBaseImagePlatform: Base image ${ref} was pulled with platform "linux/arm64", expected "linux/amd64" for current build (line 1)`;
    assert.ok(cli.stderr.includes(`#1 WARN: ${message}\n`), cli.stderr);
    assert.ok(cli.stderr.includes(`\n - ${message}\n`), cli.stderr);

    // The image's own layer comes first, then the COPY; `--platform` names
    // the exported config's platform, as BuildKit's frontend sets it.
    const { manifest, config } = readImage(dest);
    assert.equal(manifest.layers.length, 2);
    assert.equal(platformOf(config), 'linux/amd64');
    const raw = await run('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${ref}`,
    ]);
    const pulled = JSON.parse(raw.stdout);
    assert.equal(manifest.layers[0].digest, pulled.layers[0].digest);
  });

  const noArm = emulationProblem('linux/arm64') ?? false;
  test(
    'without --platform it runs as arm64 where QEMU can',
    {
      skip: noArm,
    },
    async () => {
      const ref = `${rig.host}/single/busybox:arm64`;
      const { cli, dest } = await build(`FROM ${ref}\nRUN uname -m\n`, []);
      assert.equal(cli.status, 0, cli.stderr);
      assert.ok(!cli.stderr.includes('InvalidBaseImagePlatform'), cli.stderr);
      assert.match(cli.stderr, /^#\d+ [\d.]+ aarch64$/m);
      const { manifest, config } = readImage(dest);
      assert.equal(platformOf(config), 'linux/arm64');
      assert.equal(manifest.layers.length, 2);
    },
  );

  test('an index without the platform fails with BuildKit’s error', async () => {
    const ref = `${rig.host}/multi/busybox`;
    const { cli } = await build(`FROM ${ref}\nCOPY hello.txt /\n`, [
      '--platform=linux/s390x',
    ]);
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(
      cli.stderr,
      /ERROR: failed to solve: .*failed to resolve source metadata for 127\.0\.0\.1:\d+\/multi\/busybox:latest: no match for platform in manifest: not found\n/,
    );
    assert.doesNotMatch(cli.stderr, /InvalidBaseImagePlatform/);
  });

  test('without --platform a stage pinned to arm64 exports an arm64 config', async () => {
    const ref = `${rig.host}/multi/busybox`;
    const dockerfile = `FROM --platform=linux/arm64 ${ref}\nCOPY hello.txt /\n`;
    const pinned = await build(dockerfile, []);
    assert.equal(pinned.cli.status, 0, pinned.cli.stderr);
    assert.doesNotMatch(pinned.cli.stderr, /InvalidBaseImagePlatform/);
    assert.equal(platformOf(readImage(pinned.dest).config), 'linux/arm64');

    const given = await build(dockerfile, ['--platform=linux/amd64']);
    assert.equal(given.cli.status, 0, given.cli.stderr);
    assert.equal(platformOf(readImage(given.dest).config), 'linux/amd64');
  });

  test('a scratch stage gets the target platform, FROM --platform or not', async () => {
    const dockerfile = 'FROM --platform=wasi/wasm scratch\nCOPY hello.txt /\n';
    const implicit = await build(dockerfile, []);
    assert.equal(implicit.cli.status, 0, implicit.cli.stderr);
    const { config } = readImage(implicit.dest);
    assert.equal(platformOf(config), `linux/${HOST_ARCH}`);

    const given = await build(dockerfile, ['--platform=wasi/wasm']);
    assert.equal(given.cli.status, 0, given.cli.stderr);
    assert.equal(platformOf(readImage(given.dest).config), 'wasi/wasm');
  });
});
