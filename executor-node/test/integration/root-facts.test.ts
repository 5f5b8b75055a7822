// RUN steps that start from the root facts kept beside their parent snapshot
// give the same result as steps that look at the mounted root.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { build, skipReason, testHome } from './harness.ts';

const skip = skipReason();

test(
  'a mount point under a working folder the parent lacked leaves nothing behind',
  { skip },
  async () => {
    const home = testHome();
    const base = ['FROM busybox:1.36', 'WORKDIR /w', 'RUN rmdir /w'];
    const mount = 'RUN --mount=type=tmpfs,target=/w/t true';
    // Over the parent without /w: the step makes /w, the runtime /w/t.
    const first = await build([...base, mount, ''].join('\n'), {}, { home });
    assert.equal(first.result.error, undefined);
    // Learns the parent's facts for the working folder `/`.
    const second = await build(
      [...base, 'WORKDIR /', 'RUN true', ''].join('\n'),
      {},
      { home },
    );
    assert.equal(second.result.error, undefined);

    const third = await build(
      [...base, 'WORKDIR /', mount, ''].join('\n'),
      {},
      { home },
    );
    assert.equal(third.result.error, undefined);
    const rootfs = third.result.results[0]?.rootfs ?? '';
    assert.equal(fs.existsSync(path.join(rootfs, 'w')), false);
  },
);

test(
  'a root that cannot be mounted fails with the mount error on a known start',
  { skip },
  async () => {
    const home = testHome();
    const base = ['FROM busybox:1.36', 'RUN echo a > /a'];
    const first = await build(
      [...base, 'RUN true', ''].join('\n'),
      {},
      { home },
    );
    assert.equal(first.result.error, undefined);
    // The parent of the second RUN knows its facts now; take its layer away.
    const versions = path.join(home, 'snapshots/v');
    const parent = fs.readdirSync(versions).find((id) => {
      const folder = path.join(versions, id);
      const meta = JSON.parse(
        fs.readFileSync(path.join(folder, 'meta.json'), 'utf8'),
      );
      return meta.parent && fs.existsSync(path.join(folder, 'root-facts.json'));
    });
    assert.ok(parent);
    fs.rmSync(path.join(versions, parent, 'diff'), { recursive: true });

    const second = await build([...base, 'RUN :', ''].join('\n'), {}, { home });
    assert.equal(second.result.ok, false);
    assert.match(
      second.result.error ?? '',
      /failed to mount the step's root: .*No such file or directory/,
    );
  },
);
