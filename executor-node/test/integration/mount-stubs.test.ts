// Mount points the runtime makes for a RUN step (/etc/hosts, mount targets)
// are removed from the step's layer again, wherever symlinks lead them.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { build, skipReason, testHome } from './harness.ts';

const skip = skipReason();

test(
  'mount points under an /etc that is an absolute symlink leave nothing behind',
  { skip },
  async () => {
    const home = testHome();
    const dockerfile = (word: string) =>
      [
        'FROM busybox:1.36 AS tree',
        'RUN mkdir /out /out/tmp && cp -a /bin /out/ \\',
        ' && cp -a /etc /out/private-etc && ln -s /private-etc /out/etc \\',
        ' && rm -f /out/private-etc/hosts /out/private-etc/resolv.conf',
        'FROM scratch',
        'COPY --from=tree /out /',
        `RUN --mount=type=tmpfs,target=/etc/sub/x echo ${word} > /tmp/out`,
        '',
      ].join('\n');
    // The first step looks at its root; the second starts from its facts.
    for (const word of ['first', 'second']) {
      const { result } = await build(dockerfile(word), {}, { home });
      assert.equal(result.error, undefined);
      const etc = path.join(result.results[0]?.rootfs ?? '', 'private-etc');
      for (const stub of ['hosts', 'resolv.conf', 'sub']) {
        assert.equal(fs.existsSync(path.join(etc, stub)), false, stub);
      }
    }
  },
);
