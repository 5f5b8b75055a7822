// COPY from the context (with .dockerignore), from a stage and from inline
// content, and the local exporter's folder layouts, with real builds.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { OciRuntime } from '../../src/runtime/oci-runtime.ts';
import {
  build,
  listFiles,
  read,
  skipReason,
  tempDir,
  testHome,
} from './harness.ts';

const skip = skipReason();

function context(files: Record<string, string>): string {
  const dir = tempDir('ctx-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test(
  'COPY from the context honours .dockerignore and --exclude',
  { skip },
  async () => {
    const contextDir = context({
      'src/a.txt': 'a\n',
      'src/b.log': 'b\n',
      'src/nested/c.txt': 'c\n',
      'src/secret.env': 'no\n',
      '.dockerignore': '**/*.env\n',
      'one.txt': 'one\n',
    });
    const { result } = await build(
      [
        '# syntax=docker/dockerfile:1.7-labs',
        'FROM busybox:1.36',
        'COPY --exclude=*.log src /app',
        'COPY *.txt /files/',
        'RUN stat -c "%u:%g %n" /app/a.txt /files/one.txt > /owners',
        '',
      ].join('\n'),
      {},
      { contextDir },
    );
    assert.equal(result.error, undefined);
    const rootfs = result.results[0]?.rootfs ?? '';
    assert.deepEqual(listFiles(path.join(rootfs, 'app')), [
      'a.txt',
      'nested/c.txt',
    ]);
    assert.equal(read(rootfs, 'files/one.txt'), 'one\n');
    assert.equal(
      read(rootfs, 'owners'),
      '0:0 /app/a.txt\n0:0 /files/one.txt\n',
    );
  },
);

test('COPY --chown and --chmod set owner and mode', { skip }, async () => {
  const contextDir = context({ 'run.sh': 'echo hi\n' });
  const { result } = await build(
    [
      'FROM busybox:1.36',
      'COPY --chown=nobody:nogroup --chmod=750 run.sh /opt/run.sh',
      'RUN stat -c "%u:%g %a" /opt/run.sh > /meta',
      '',
    ].join('\n'),
    {},
    { contextDir },
  );
  assert.equal(result.error, undefined);
  assert.equal(read(result.results[0]?.rootfs, 'meta'), '65534:65534 750\n');
});

test(
  'a changed context file invalidates the COPY and what follows',
  { skip },
  async () => {
    const contextDir = context({ 'v.txt': 'one\n' });
    const home = testHome();
    const dockerfile =
      'FROM busybox:1.36\nCOPY v.txt /v.txt\nRUN cp /v.txt /w.txt\n';
    await build(dockerfile, {}, { contextDir, home });

    fs.writeFileSync(path.join(contextDir, 'v.txt'), 'two\n');
    const { result, log } = await build(dockerfile, {}, { contextDir, home });
    assert.equal(result.error, undefined);
    assert.equal(read(result.results[0]?.rootfs, 'w.txt'), 'two\n');
    assert.equal(
      log.events.filter((e) => e.kind === 'vertex-cached').length,
      1,
    );
  },
);

test('COPY of a missing file fails with not found', { skip }, async () => {
  const { result } = await build('FROM busybox:1.36\nCOPY nope.txt /\n');
  assert.equal(result.ok, false);
  assert.match(result.error ?? '', /"\/nope.txt": not found$/);
});

test('COPY <<DOC writes inline content', { skip }, async () => {
  const { result } = await build(
    'FROM busybox:1.36\nCOPY <<DOC /app/settings.xml\n<settings/>\nDOC\n',
  );
  assert.equal(result.error, undefined);
  const rootfs = result.results[0]?.rootfs;
  assert.equal(read(rootfs, 'app/settings.xml'), '<settings/>\n');
  const mode = fs.statSync(path.join(rootfs ?? '', 'app/settings.xml')).mode;
  assert.equal(mode & 0o777, 0o644);
});

const TWO_STAGES = [
  'FROM busybox:1.36 AS build',
  'RUN uname -m > /hello',
  'FROM scratch',
  'COPY --from=build /hello /hello',
  '',
].join('\n');

test(
  'type=local exports only the scratch target, at the folder root',
  { skip },
  async () => {
    const out = path.join(tempDir('out-'), 'out');
    const { result, log } = await build(TWO_STAGES, {
      outputs: [`type=local,dest=${out}`],
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(listFiles(out), ['hello']);
    assert.equal(read(out, 'hello'), 'x86_64\n');
    assert.ok(
      log.events.some(
        (e) =>
          e.kind === 'vertex-start' &&
          e.name === 'exporting to client directory',
      ),
    );
    const leftovers = fs
      .readdirSync(path.dirname(out))
      .filter((n) => n.includes('slipway'));
    assert.deepEqual(leftovers, []);
  },
);

test(
  'two platforms export to linux_amd64/ and linux_386/',
  { skip },
  async () => {
    const out = path.join(tempDir('out-'), 'out');
    const { result } = await build(TWO_STAGES, {
      platforms: ['linux/amd64,linux/386'],
      outputs: [out],
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(listFiles(out), ['linux_386/hello', 'linux_amd64/hello']);
    // runc ignores linux.personality, so only crun reports i686.
    const crun = OciRuntime.detect().choice.name === 'crun';
    assert.equal(read(out, 'linux_386/hello'), crun ? 'i686\n' : 'x86_64\n');
  },
);

test(
  'platform-split=false merges the platforms into one folder',
  { skip },
  async () => {
    const out = path.join(tempDir('out-'), 'out');
    const { result, log } = await build(
      [
        'FROM --platform=$BUILDPLATFORM busybox:1.36 AS build',
        'ARG TARGETARCH',
        'RUN echo "built for $TARGETARCH" > /out-$TARGETARCH.txt',
        'FROM scratch',
        'ARG TARGETARCH',
        'COPY --from=build /out-${TARGETARCH}.txt /',
        '',
      ].join('\n'),
      {
        platforms: ['linux/amd64,linux/386'],
        outputs: [`type=local,dest=${out},platform-split=false`],
      },
    );
    assert.equal(result.error, undefined);
    assert.deepEqual(listFiles(out), ['out-386.txt', 'out-amd64.txt']);
    assert.equal(read(out, 'out-386.txt'), 'built for 386\n');
    const froms = log.events.filter(
      (e) => e.kind === 'vertex-start' && / FROM /.test(e.name),
    );
    assert.equal(froms.length, 1, 'the $BUILDPLATFORM stage runs once');
  },
);

test(
  'platform-split=false refuses two platforms writing one file',
  { skip },
  async () => {
    const out = path.join(tempDir('out-'), 'out');
    const { result } = await build(TWO_STAGES, {
      platforms: ['linux/amd64,linux/386'],
      outputs: [`type=local,dest=${out},platform-split=false`],
    });
    assert.equal(
      result.error,
      'failed to solve: cannot overwrite hello from linux/amd64 with linux/386 when split option is disabled',
    );
    assert.equal(fs.existsSync(out), false);
  },
);
