// Checks the image source's error when an image is neither in the built-in
// store nor reachable: it says how to seed the store.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { slipwayPaths } from '../paths.ts';
import { createRegistryBackends } from './create-image-source.ts';

const home = mkdtempSync(path.join(tmpdir(), 'slipway-image-source-'));
after(() => rmSync(home, { recursive: true, force: true }));

test('an unreachable registry and no store suggest scripts/setup-images.sh', async () => {
  const paths = slipwayPaths(home);
  const { images } = createRegistryBackends(paths, {
    dockerConfig: path.join(home, 'no-docker-config.json'),
  });
  // `.invalid` never resolves (RFC 2606), so the lookup fails offline too.
  await assert.rejects(
    images.resolve('registry.invalid/library/busybox:1.36', 'linux/amd64'),
    (error: Error) => {
      assert.match(
        error.message,
        /^failed to resolve source metadata for registry\.invalid\/library\/busybox:1\.36: .*(ENOTFOUND|EAI_AGAIN)/,
      );
      assert.ok(
        error.message.endsWith(
          ` (the registry is unreachable and there is no built-in image store at ${paths.images}: run scripts/setup-images.sh as root to seed it)`,
        ),
        error.message,
      );
      return true;
    },
  );
});
