// Runs the real `slipway` CLI on the examples: plan output, JSON plans,
// device errors, and real builds where this host has a runtime and images.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { BuildPlan } from '../../../core/src/index.ts';
import { emulationProblem } from '../../src/runtime/emulation.ts';
import { examplesDir, runCli, skipBuilds } from './cli-helpers.ts';

let temp = '';
let skip: string | false = false;

before(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'slipway-cli-'));
  skip = await skipBuilds();
  if (skip) console.log(`# real builds skipped: ${skip}`);
});

after(async () => {
  await rm(temp, { recursive: true, force: true });
});

const example = (name: string) => path.join(examplesDir, name);

describe('slipway plan', () => {
  test('shows stage2 built on base and stage1 skipped', async () => {
    const run = await runCli([
      'plan',
      '--target',
      'stage2',
      example('multi-stage-legacy-stage2'),
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /built\s+base\b/);
    assert.match(run.stdout, /built\s+stage2\b/);
    assert.match(run.stdout, /skipped\s+stage1\b/);
    assert.match(run.stdout, /Build order: base -> stage2/);
    assert.match(run.stdout, /[0-9a-f]{12} \[stage2 1\/1\] RUN echo "stage2"/);
  });

  test('shows the device a RUN --device gets and its edits', async () => {
    const dir = example('cdi-env');
    const run = await runCli(
      ['plan', '--allow', 'device', '--cdi-spec-dir', 'cdi', '.'],
      {
        cwd: dir,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      /--device=vendor1\.com\/device \(optional\) -> vendor1\.com\/device=foo: allowed/,
    );
    assert.match(run.stdout, /env FOO=injected/);
  });

  test('prints the plan as JSON with the automatic platform args', async () => {
    const run = await runCli([
      'plan',
      '--json',
      '--platform',
      'linux/arm64',
      example('multi-platform-args'),
    ]);
    assert.equal(run.status, 0, run.stderr);
    const plan = JSON.parse(run.stdout) as BuildPlan;
    assert.equal(plan.ok, true);
    const build = plan.platforms[0].stages.find((s) => s.name === 'build');
    assert.equal(build?.args.BUILDPLATFORM, 'linux/amd64');
    assert.equal(build?.args.TARGETPLATFORM, 'linux/arm64');
    assert.deepEqual(build?.base, {
      kind: 'image',
      ref: build?.base.kind === 'image' ? build.base.ref : '',
      platform: 'linux/amd64',
    });
  });

  test('reports a broken Dockerfile as Dockerfile:N and exits 1', async () => {
    const dir = path.join(temp, 'broken');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM busybox\nCOPPY a b\n');
    const run = await runCli(['plan', dir]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /Dockerfile:2: .*unknown instruction/i);
    assert.match(run.stdout, /Plan has errors/);
  });

  test('fails plainly when the Dockerfile is missing', async () => {
    const run = await runCli(['plan', temp]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /failed to read dockerfile/);
  });

  test('fails with buildx text when the context is not a folder', async () => {
    const missing = path.join(temp, 'nowhere');
    const file = path.join(temp, 'a-file');
    await writeFile(file, 'FROM busybox\n');
    for (const context of [missing, file]) {
      const run = await runCli(['plan', '-f', file, context]);
      assert.equal(run.status, 1);
      assert.equal(
        run.stderr.trim(),
        `ERROR: unable to prepare context: path "${context}" not found`,
      );
    }
  });

  test('fails plainly when -f names a folder', async () => {
    const run = await runCli(['plan', '-f', temp, temp]);
    assert.equal(run.status, 1);
    assert.equal(
      run.stderr.trim(),
      `ERROR: failed to read dockerfile: read ${temp}: is a directory`,
    );
  });
});

describe('slipway build', () => {
  test('refuses a device that is not allowed, with the text buildx prints', async () => {
    const run = await runCli(['build', '--cdi-spec-dir', 'cdi', '.'], {
      cwd: example('cdi-not-allowed'),
    });
    assert.equal(run.status, 1);
    assert.ok(
      run.stderr.includes(
        'ERROR: failed to solve: device vendor1.com/device=foo is requested by the build but not allowed',
      ),
      run.stderr,
    );
  });

  test('injects FOO=injected with --allow device', async (t) => {
    if (skip) return t.skip(skip);
    const run = await runCli(
      [
        'build',
        '--no-cache',
        '--allow',
        'device',
        '--cdi-spec-dir',
        'cdi',
        '.',
      ],
      {
        cwd: example('cdi-env'),
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      /^#\d+ \[2\/2\] RUN --device=vendor1\.com\/device/m,
    );
    assert.match(run.stderr, /^#\d+ \d+\.\d{3} FOO=injected$/m);
    assert.match(run.stderr, /^#\d+ DONE \d+\.\ds$/m);
  });

  test('injects an auto-allowed device without --allow', async (t) => {
    if (skip) return t.skip(skip);
    const run = await runCli(
      ['build', '--no-cache', '--cdi-spec-dir', 'cdi', '.'],
      {
        cwd: example('cdi-autoallow'),
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /FOO=injected/);
  });

  test('builds --target build1 and exports the stage with -o', async (t) => {
    if (skip) return t.skip(skip);
    const out = path.join(temp, 'build1');
    const run = await runCli(
      [
        'build',
        '-f',
        'Dockerfile.busybox',
        '--target',
        'build1',
        '-o',
        out,
        '.',
      ],
      { cwd: example('multi-stage-builder-stages') },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      await readFile(path.join(out, 'binary'), 'utf8'),
      '// source1\n',
    );
    assert.equal(
      await readFile(path.join(out, 'toolchain.txt'), 'utf8'),
      'toolchain ready\n',
    );
    assert.doesNotMatch(run.stderr, /\[build2 /);
  });

  test('exports one folder per platform', async (t) => {
    if (skip) return t.skip(skip);
    const out = path.join(temp, 'binaries');
    const run = await runCli(
      [
        'build',
        '-f',
        'Dockerfile.busybox',
        '--platform=linux/amd64,linux/arm64',
        `--output=${out}`,
        '.',
      ],
      { cwd: example('export-binaries') },
    );
    assert.equal(run.status, 0, run.stderr);
    const amd64 = await readFile(
      path.join(out, 'linux_amd64', 'hello'),
      'utf8',
    );
    const arm64 = await readFile(
      path.join(out, 'linux_arm64', 'hello'),
      'utf8',
    );
    assert.match(amd64, /Hello World! \(linux\/amd64\)/);
    assert.match(arm64, /Hello World! \(linux\/arm64\)/);
  });

  test('writes BUILDPLATFORM and TARGETPLATFORM from a native build stage', async (t) => {
    if (skip) return t.skip(skip);
    const out = path.join(temp, 'platform-args');
    const run = await runCli(
      [
        'build',
        '-f',
        'Dockerfile.busybox',
        '--platform',
        'linux/arm64',
        '-o',
        out,
        '.',
      ],
      { cwd: example('multi-platform-args') },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      await readFile(path.join(out, 'log'), 'utf8'),
      'I am running on linux/amd64, building for linux/arm64\n',
    );
  });

  test('runs base and stage2 for --target stage2, never stage1', async (t) => {
    if (skip) return t.skip(skip);
    const run = await runCli(
      [
        'build',
        '--no-cache',
        '-f',
        'Dockerfile.busybox',
        '--target',
        'stage2',
        '.',
      ],
      { cwd: example('multi-stage-legacy-stage2') },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^#\d+ \d+\.\d+ base$/m);
    assert.match(run.stderr, /^#\d+ \d+\.\d+ stage2$/m);
    assert.doesNotMatch(run.stderr, /stage1/);
  });

  test('runs the arm64 step under emulation', async (t) => {
    if (skip) return t.skip(skip);
    const problem = emulationProblem('linux/arm64');
    if (problem && process.env.CI !== 'true') return t.skip(problem);
    const out = path.join(temp, 'emulation');
    const run = await runCli(
      [
        'build',
        '-f',
        'Dockerfile.busybox',
        '--platform',
        'linux/amd64,linux/arm64',
        '-o',
        out,
        '.',
      ],
      { cwd: example('multi-platform-emulation') },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      await readFile(path.join(out, 'linux_amd64', 'arch'), 'utf8'),
      'x86_64\n',
    );
    assert.equal(
      await readFile(path.join(out, 'linux_arm64', 'arch'), 'utf8'),
      'aarch64\n',
    );
  });

  test('prints the failing step and exits 1 when a RUN fails', async (t) => {
    if (skip) return t.skip(skip);
    const dir = path.join(temp, 'failing');
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'Dockerfile'),
      'FROM busybox:1.36\nRUN echo about to fail && exit 3\n',
    );
    const run = await runCli(['build', dir]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /about to fail/);
    assert.match(run.stderr, /^ERROR: failed to solve: .*exit code: 3/m);
    assert.match(
      run.stderr,
      /^ {3}2 \| >>> RUN echo about to fail && exit 3$/m,
    );
  });
});

describe('examples/index.json', () => {
  interface IndexEntry {
    id: string;
    files: string[];
    command: string;
    flags: {
      file?: string;
      platforms?: string[];
      target?: string;
      allow?: string[];
      buildArgs?: Record<string, string>;
      outputs?: string[];
    };
    runnable: { file: string; command: string } | null;
    expect: { ok: boolean; error?: string };
  }

  const flagsToArgs = (flags: IndexEntry['flags'], file?: string) => [
    ...['-f', file ?? flags.file ?? 'Dockerfile'],
    ...(flags.platforms ?? []).flatMap((p) => ['--platform', p]),
    ...(flags.target ? ['--target', flags.target] : []),
    ...(flags.allow ?? []).flatMap((a) => ['--allow', a]),
    ...Object.entries(flags.buildArgs ?? {}).flatMap(([k, v]) => [
      '--build-arg',
      `${k}=${v}`,
    ]),
    ...(flags.outputs ?? []).flatMap((o) => ['--output', o]),
  ];

  test('plans every example with its listed flags, as the docs expect', async () => {
    const index = JSON.parse(
      await readFile(path.join(examplesDir, 'index.json'), 'utf8'),
    ) as { examples: IndexEntry[] };
    assert.ok(index.examples.length >= 11);

    for (const entry of index.examples) {
      const dir = example(entry.id);
      for (const file of entry.files) {
        await readFile(path.join(dir, file));
      }
      const files = [entry.flags.file, entry.runnable?.file].filter(
        (f): f is string => f !== undefined,
      );
      for (const file of files) {
        const args = ['plan', '--json', '--cdi-spec-dir', 'cdi'];
        const run = await runCli(
          [...args, ...flagsToArgs(entry.flags, file), '.'],
          {
            cwd: dir,
          },
        );
        const plan = JSON.parse(run.stdout) as BuildPlan;
        const where = `${entry.id} (${file})`;
        assert.equal(plan.ok, entry.expect.ok, `${where}: ${run.stdout}`);
        assert.equal(run.status, entry.expect.ok ? 0 : 1, where);
        if (entry.expect.error) {
          const messages = plan.diagnostics.map((d) => d.message);
          assert.ok(
            messages.includes(entry.expect.error),
            `${where}: ${messages}`,
          );
        }
      }
    }
  });
});
