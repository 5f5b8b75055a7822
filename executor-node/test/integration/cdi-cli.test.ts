// Runs `slipway cdi list`, `slipway cdi validate` and `slipway inspect` on
// spec directories built from the shared CDI corpus.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  cp,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { repoRoot, runCli } from './cli-helpers.ts';

const corpus = path.resolve(repoRoot, '../shared/corpus/cdi');
let temp = '';

before(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'slipway-cdi-cli-'));
});

after(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('slipway cdi list', () => {
  test('lists BuildKit fixture devices sorted, with spec and autoallow', async () => {
    const dir = path.join(corpus, 'buildkit-fixtures');
    const run = await runCli(['cdi', 'list', '--cdi-spec-dir', dir]);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAME\s+AUTO-ALLOWED\s+SPEC$/);
    assert.equal(lines.length, 10);
    assert.match(
      lines[1]!,
      new RegExp(
        `^vendor1\\.com/device=foo\\s+true\\s+${dir}/vendor1-device\\.yaml$`,
      ),
    );
    const names = lines.slice(1).map((l) => l.split(/\s+/)[0]!);
    assert.deepEqual(names, [...names].sort());
  });

  test('a later directory wins and a same-directory duplicate is dropped', async () => {
    const etc = path.join(corpus, 'scenarios/override/etc');
    const run = path.join(corpus, 'scenarios/override/run');
    const result = await runCli([
      'cdi',
      'list',
      '--json',
      '--cdi-spec-dir',
      etc,
      '--cdi-spec-dir',
      run,
    ]);
    assert.equal(result.status, 0, result.stderr);
    const listed = JSON.parse(result.stdout) as {
      devices: { qualifiedName: string; specPath: string }[];
    };
    for (const d of listed.devices) {
      if (d.qualifiedName === 'vendor1.com/device=dev1')
        assert.equal(d.specPath, path.join(run, 'vendor1.yaml'));
    }

    const conflict = path.join(corpus, 'scenarios/conflict/run');
    const dropped = await runCli(['cdi', 'list', '--cdi-spec-dir', conflict]);
    assert.equal(dropped.status, 0);
    assert.doesNotMatch(dropped.stdout, /device=dev1/);
    assert.match(
      dropped.stderr,
      /conflicting device "vendor1\.com\/device=dev1"/,
    );
  });

  test('reports a bad spec file without hiding the good ones', async () => {
    const dir = path.join(temp, 'mixed');
    await mkdir(dir);
    await cp(
      path.join(corpus, 'buildkit-fixtures/vendor1-device.yaml'),
      path.join(dir, 'good.yaml'),
    );
    await writeFile(path.join(dir, 'bad.yaml'), 'cdiVersion: 0.6.0\nkind: x\n');
    const run = await runCli(['cdi', 'list', '--cdi-spec-dir', dir]);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /vendor1\.com\/device=foo/);
    assert.match(
      run.stderr,
      /bad\.yaml:\d+: failed to load CDI Spec invalid CDI Spec/,
    );
  });
});

describe('slipway cdi validate', () => {
  test('says a good spec is valid and exits 0', async () => {
    const file = path.join(
      corpus,
      'buildkit-fixtures/vendor1-devicemulti.yaml',
    );
    const run = await runCli(['cdi', 'validate', file]);
    assert.equal(run.status, 0, run.stdout);
    assert.match(run.stdout, /vendor1-devicemulti\.yaml: valid \(4 devices\)/);
    assert.match(run.stdout, /1 file, 0 with problems, 0 problems\n$/);
  });

  test('lists every problem with file and line and exits 1', async () => {
    const file = path.join(temp, 'broken.yaml');
    await writeFile(
      file,
      [
        'cdiVersion: "0.6.0"',
        'kind: vendor.com/device',
        'devices:',
        '  - name: a',
        '    containerEdits:',
        '      env: [NOVALUE]',
        '  - name: b',
        '    containerEdits:',
        '      hooks:',
        '        - hookName: preStart',
        '          path: /bin/true',
        '',
      ].join('\n'),
    );
    const run = await runCli(['cdi', 'validate', 'broken.yaml'], { cwd: temp });
    assert.equal(run.status, 1);
    assert.match(
      run.stdout,
      /^broken\.yaml:6: invalid CDI Spec: failed add device "a": invalid device "a": invalid container edits: invalid environment variable "NOVALUE"$/m,
    );
    assert.match(
      run.stdout,
      /^broken\.yaml:10: invalid CDI Spec: failed add device "b": invalid device "b": invalid hook name "preStart"$/m,
    );
    assert.match(run.stdout, /1 file, 1 with problems, 2 problems\n$/);
  });

  test('reports files of one directory that define the same device', async () => {
    const dir = path.join(corpus, 'scenarios/conflict/run');
    const run = await runCli([
      'cdi',
      'validate',
      path.join(dir, 'vendor1.yaml'),
      path.join(dir, 'vendor1-other.yaml'),
    ]);
    assert.equal(run.status, 1);
    assert.match(
      run.stdout,
      /vendor1-other\.yaml:\d+: conflicting device "vendor1\.com\/device=dev1"/,
    );
  });

  test('validates each spec file of a directory', async () => {
    const dir = path.join(corpus, 'scenarios/conflict/run');
    const run = await runCli(['cdi', 'validate', dir]);
    assert.equal(run.status, 1, run.stdout);
    assert.doesNotMatch(run.stdout, /EISDIR/);
    assert.match(run.stdout, /vendor1\.yaml/);
    assert.match(
      run.stdout,
      /vendor1-other\.yaml:\d+: conflicting device "vendor1\.com\/device=dev1"/,
    );
    const good = await runCli([
      'cdi',
      'validate',
      path.join(repoRoot, 'examples/cdi-env/cdi'),
    ]);
    assert.equal(good.status, 0, good.stdout);
    assert.match(good.stdout, /cdi\/foo\.yaml: valid/);
  });

  test('names a directory without spec files', async () => {
    const empty = path.join(temp, 'empty-dir');
    await mkdir(empty, { recursive: true });
    const run = await runCli(['cdi', 'validate', empty]);
    assert.equal(run.status, 1);
    assert.match(
      run.stdout,
      /no CDI spec files \(\.json, \.yaml\) in directory ".*empty-dir"/,
    );
  });

  test('reports a file that does not exist', async () => {
    const run = await runCli(['cdi', 'validate', path.join(temp, 'nope.yaml')]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /nope\.yaml.*no such file/);
  });
});

describe('slipway inspect', () => {
  test('shows the builder, native platform first, and a Devices block', async () => {
    const dir = path.join(repoRoot, 'examples/cdi-env/cdi');
    const run = await runCli(['inspect', '--cdi-spec-dir', dir]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      /^Name:   slipway\nDriver: oci-runtime\n\nNodes:\n/,
    );
    const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as 'x64'];
    assert.match(run.stdout, new RegExp(`\\nPlatforms: +linux/${arch}[,\\n]`));
    assert.match(
      run.stdout,
      /\nDevices:\n Name: +vendor1\.com\/device=foo\n Automatically allowed: false\n/,
    );
  });

  test('prints JSON with the same facts', async () => {
    const run = await runCli([
      'inspect',
      '--json',
      '--cdi-spec-dir',
      path.join(temp, 'none'),
    ]);
    assert.equal(run.status, 0, run.stderr);
    const info = JSON.parse(run.stdout);
    assert.equal(info.name, 'slipway');
    assert.deepEqual(info.node.devices, []);
    assert.ok(info.node.platforms.length >= 1);
  });
});

describe('slipway cdi generate nvidia', () => {
  const skip =
    process.getuid?.() !== 0 && process.env.CI !== 'true'
      ? 'needs root for mknod'
      : false;

  test(
    'writes the spec for a driver root, in the format of --output',
    { skip },
    async () => {
      const root = path.join(temp, 'driver');
      const lib = path.join(root, 'lib/x86_64-linux-gnu');
      await mkdir(path.join(root, 'dev'), { recursive: true });
      await mkdir(lib, { recursive: true });
      execFileSync('mknod', [path.join(root, 'dev/nvidia0'), 'c', '195', '0']);
      execFileSync('mknod', [
        path.join(root, 'dev/nvidiactl'),
        'c',
        '195',
        '255',
      ]);
      await writeFile(path.join(lib, 'libcuda.so.999.88.77'), '');
      await symlink('libcuda.so.999.88.77', path.join(lib, 'libcuda.so.1'));

      const out = path.join(temp, 'nvidia.json');
      const run = await runCli([
        'cdi',
        'generate',
        'nvidia',
        '--driver-root',
        root,
        '--device-name-strategy',
        'index',
        '--output',
        out,
      ]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /Generated CDI spec with version 0\.5\.0/);
      assert.equal((await stat(out)).mode & 0o777, 0o644);
      const spec = JSON.parse(await readFile(out, 'utf8'));
      assert.equal(spec.kind, 'nvidia.com/gpu');
      assert.deepEqual(
        spec.devices.map((d: { name: string }) => d.name),
        ['0', 'all'],
      );

      const listed = await runCli(['cdi', 'list', '--cdi-spec-dir', temp]);
      assert.match(
        listed.stdout,
        /nvidia\.com\/gpu=0\s+false\s+.*nvidia\.json/,
      );
    },
  );

  test('fails with a clear error when no driver is installed', async () => {
    const root = path.join(temp, 'no-driver');
    await mkdir(root, { recursive: true });
    const run = await runCli([
      'cdi',
      'generate',
      'nvidia',
      '--driver-root',
      root,
    ]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /failed to determine driver version/);
  });
});

describe('slipway plan with a broken CDI spec', () => {
  test('excerpts the spec file, not the Dockerfile, under its diagnostic', async () => {
    const dir = path.join(temp, 'plan-broken-spec');
    await mkdir(path.join(dir, 'cdi'), { recursive: true });
    await writeFile(
      path.join(dir, 'Dockerfile'),
      '# syntax=docker/dockerfile:1-labs\nFROM busybox:1.36\nRUN true\nRUN true\nRUN true\n',
    );
    await writeFile(
      path.join(dir, 'cdi/broken.yaml'),
      'cdiVersion: "0.6.0"\nkind: vendor9.com/x\ndevices:\n  - name: \n',
    );
    const run = await runCli(
      ['plan', '--allow', 'device', '--cdi-spec-dir', 'cdi', '.'],
      { cwd: dir },
    );
    assert.equal(run.status, 0, run.stderr);
    const shown = run.stdout.slice(run.stdout.indexOf('Diagnostics:'));
    assert.match(shown, /broken\.yaml:4: WARN: failed to load CDI Spec/);
    assert.match(shown, / {3}4 \| >>> {3}- name: $/m);
    assert.doesNotMatch(shown, /RUN/);
  });
});
