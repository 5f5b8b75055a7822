// COPY from the context (with .dockerignore), from a stage and from inline
// content, and the local exporter's folder layouts, with real builds.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { runBuild } from '../../src/build.ts';
import { slipwayPaths } from '../../src/paths.ts';
import { eventLog, handPlan, skipReason, tempDir } from './hand-plans.ts';

const skip = skipReason();

function testHome(): string {
  const home = tempDir('slipway-home-');
  fs.symlinkSync(slipwayPaths().images, path.join(home, 'images'));
  return home;
}

function listFiles(dir: string, rel = ''): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => {
      const child = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? listFiles(dir, child) : [child];
    });
}

test(
  'COPY from the context honours .dockerignore and --exclude',
  { skip },
  async () => {
    const context = tempDir('ctx-');
    fs.mkdirSync(path.join(context, 'src/nested'), { recursive: true });
    fs.writeFileSync(path.join(context, 'src/a.txt'), 'a\n');
    fs.writeFileSync(path.join(context, 'src/b.log'), 'b\n');
    fs.writeFileSync(path.join(context, 'src/nested/c.txt'), 'c\n');
    fs.writeFileSync(path.join(context, 'src/secret.env'), 'no\n');
    fs.writeFileSync(path.join(context, '.dockerignore'), '**/*.env\n');
    fs.writeFileSync(path.join(context, 'one.txt'), 'one\n');

    const plan = handPlan([
      {
        from: 'busybox:1.36',
        steps: [
          {
            kind: 'copy',
            source: { kind: 'context' },
            sources: ['src'],
            dest: '/app',
            extra: { exclude: ['*.log'] },
          },
          {
            kind: 'copy',
            source: { kind: 'context' },
            sources: ['*.txt'],
            dest: '/files/',
          },
          {
            kind: 'run',
            script: 'stat -c "%u:%g %n" /app/a.txt /files/one.txt > /owners',
          },
        ],
      },
    ]);
    const result = await runBuild(plan, {
      contextDir: context,
      onEvent: () => {},
      home: testHome(),
    });
    assert.equal(result.error, undefined);
    const rootfs = result.results[0]?.rootfs ?? '';
    assert.deepEqual(listFiles(path.join(rootfs, 'app')).sort(), [
      'a.txt',
      'nested/c.txt',
    ]);
    assert.equal(
      fs.readFileSync(path.join(rootfs, 'files/one.txt'), 'utf8'),
      'one\n',
    );
    assert.equal(
      fs.readFileSync(path.join(rootfs, 'owners'), 'utf8'),
      '0:0 /app/a.txt\n0:0 /files/one.txt\n',
    );
  },
);

test(
  'a changed context file invalidates the COPY and what follows',
  { skip },
  async () => {
    const context = tempDir('ctx-');
    const home = testHome();
    fs.writeFileSync(path.join(context, 'v.txt'), 'one\n');
    const plan = handPlan([
      {
        from: 'busybox:1.36',
        steps: [
          {
            kind: 'copy',
            source: { kind: 'context' },
            sources: ['v.txt'],
            dest: '/v.txt',
          },
          { kind: 'run', script: 'cp /v.txt /w.txt' },
        ],
      },
    ]);
    await runBuild(plan, { contextDir: context, onEvent: () => {}, home });
    fs.writeFileSync(path.join(context, 'v.txt'), 'two\n');
    const log = eventLog();
    const result = await runBuild(plan, {
      contextDir: context,
      onEvent: log.onEvent,
      home,
    });
    assert.equal(result.error, undefined);
    assert.equal(
      fs.readFileSync(
        path.join(result.results[0]?.rootfs ?? '', 'w.txt'),
        'utf8',
      ),
      'two\n',
    );
    assert.equal(
      log.events.filter((e) => e.kind === 'vertex-cached').length,
      1,
    );
  },
);

test('COPY of a missing file fails with not found', { skip }, async () => {
  const plan = handPlan([
    {
      from: 'busybox:1.36',
      steps: [
        {
          kind: 'copy',
          source: { kind: 'context' },
          sources: ['nope.txt'],
          dest: '/',
        },
      ],
    },
  ]);
  const result = await runBuild(plan, {
    contextDir: tempDir('ctx-'),
    onEvent: () => {},
    home: testHome(),
  });
  assert.equal(result.ok, false);
  assert.match(result.error ?? '', /"\/nope.txt": not found$/);
});

test('COPY <<DOC writes inline content', { skip }, async () => {
  const plan = handPlan([
    {
      from: 'busybox:1.36',
      steps: [
        {
          kind: 'copy',
          source: {
            kind: 'inline',
            files: [{ path: 'DOC', content: '<settings/>\n' }],
          },
          sources: ['DOC'],
          dest: '/app/settings.xml',
        },
      ],
    },
  ]);
  const result = await runBuild(plan, {
    contextDir: tempDir('ctx-'),
    onEvent: () => {},
    home: testHome(),
  });
  assert.equal(result.error, undefined);
  const file = path.join(result.results[0]?.rootfs ?? '', 'app/settings.xml');
  assert.equal(fs.readFileSync(file, 'utf8'), '<settings/>\n');
  assert.equal(fs.statSync(file).mode & 0o777, 0o644);
});

const twoStages = [
  {
    name: 'build',
    from: 'busybox:1.36',
    steps: [{ kind: 'run' as const, script: 'uname -m > /hello' }],
  },
  {
    from: 'scratch',
    steps: [
      {
        kind: 'copy' as const,
        source: { kind: 'stage' as const, stage: 0 },
        sources: ['/hello'],
        dest: '/hello',
      },
    ],
  },
];

test(
  'type=local exports only the scratch target, at the folder root',
  { skip },
  async () => {
    const out = path.join(tempDir('out-'), 'out');
    const plan = handPlan(twoStages, {
      outputs: [{ type: 'local', dest: out, attrs: {} }],
    });
    const log = eventLog();
    const result = await runBuild(plan, {
      contextDir: tempDir('ctx-'),
      onEvent: log.onEvent,
      home: testHome(),
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(listFiles(out), ['hello']);
    assert.equal(fs.readFileSync(path.join(out, 'hello'), 'utf8'), 'x86_64\n');
    assert.ok(
      log.events.some(
        (e) =>
          e.kind === 'vertex-start' &&
          e.name === 'exporting to client directory',
      ),
    );
    assert.deepEqual(
      fs.readdirSync(path.dirname(out)).filter((n) => n.includes('slipway')),
      [],
    );
  },
);

test(
  'two platforms export to linux_amd64/ and linux_arm64/',
  { skip },
  async () => {
    const out = path.join(tempDir('out-'), 'out');
    const plan = handPlan(twoStages, {
      platforms: ['linux/amd64', 'linux/386'],
      outputs: [{ type: 'local', dest: out, attrs: {} }],
    });
    const result = await runBuild(plan, {
      contextDir: tempDir('ctx-'),
      onEvent: () => {},
      home: testHome(),
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(listFiles(out).sort(), [
      'linux_386/hello',
      'linux_amd64/hello',
    ]);
  },
);

test(
  'platform-split=false refuses two platforms writing one file',
  { skip },
  async () => {
    const out = path.join(tempDir('out-'), 'out');
    const plan = handPlan(twoStages, {
      platforms: ['linux/amd64', 'linux/386'],
      outputs: [
        { type: 'local', dest: out, attrs: { 'platform-split': 'false' } },
      ],
    });
    const result = await runBuild(plan, {
      contextDir: tempDir('ctx-'),
      onEvent: () => {},
      home: testHome(),
    });
    assert.equal(
      result.error,
      'failed to solve: cannot overwrite hello from linux/amd64 with linux/386 when split option is disabled',
    );
    assert.equal(fs.existsSync(out), false);
  },
);
