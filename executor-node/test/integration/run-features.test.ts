// RUN features with real builds: heredocs, WORKDIR and ENV in the image
// config, and --mount binds from a stage, cache folders and tmpfs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { build, read, skipReason } from './harness.ts';

const skip = skipReason();

test('heredocs, WORKDIR and the image config', { skip }, async () => {
  const { result } = await build(
    [
      'FROM busybox:1.36',
      'RUN <<EOT',
      'echo from a heredoc > /a',
      'EOT',
      'COPY <<DOC /app/settings.xml',
      '<settings mode="fast"></settings>',
      'DOC',
      'WORKDIR /work',
      'ENV MODE=test',
      'RUN pwd > here && echo "$MODE" > mode',
      '',
    ].join('\n'),
  );
  assert.equal(result.error, undefined);
  const [only] = result.results;
  assert.equal(read(only?.rootfs, 'a'), 'from a heredoc\n');
  assert.equal(
    read(only?.rootfs, 'app/settings.xml'),
    '<settings mode="fast"></settings>\n',
  );
  assert.equal(read(only?.rootfs, 'work/here'), '/work\n');
  assert.equal(read(only?.rootfs, 'work/mode'), 'test\n');
  assert.equal(only?.config.workingDir, '/work');
  assert.ok(only?.config.env.includes('MODE=test'));
  assert.ok(only?.config.env.some((e) => e.startsWith('PATH=')));
});

test(
  'RUN --mount binds a stage, keeps a cache and mounts tmpfs',
  { skip },
  async () => {
    const dockerfile = [
      'FROM busybox:1.36 AS tools',
      'RUN echo tool > /tool.txt',
      'FROM busybox:1.36',
      'RUN --mount=type=bind,from=tools,source=/tool.txt,target=/mnt/tool.txt \\',
      '    --mount=type=cache,target=/cache \\',
      '    --mount=type=tmpfs,target=/scratch \\',
      '    cat /mnt/tool.txt > /seen && echo x >> /cache/count && \\',
      '    touch /scratch/gone && wc -l < /cache/count > /count',
      '',
    ].join('\n');
    const { result } = await build(dockerfile);
    assert.equal(result.error, undefined);
    const rootfs = result.results[0]?.rootfs;
    assert.equal(read(rootfs, 'seen'), 'tool\n');
    assert.equal(fs.existsSync(path.join(rootfs ?? '', 'mnt/tool.txt')), false);
    assert.equal(read(rootfs, 'count'), '1\n');
    // Mount points the runtime had to create are removed, as BuildKit does.
    assert.equal(fs.existsSync(path.join(rootfs ?? '', 'cache')), false);
    assert.equal(fs.existsSync(path.join(rootfs ?? '', 'scratch')), false);
  },
);
