// --cache-to/--cache-from type=local between two Slipway homes, mode=min and
// mode=max, and `slipway prune` with and without --all.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import type { ProgressEvent } from '../../../core/src/index.ts';
import { pruneHome } from '../../src/cache/prune.ts';
import { slipwayPaths } from '../../src/paths.ts';
import { build, read, skipReason, tempDir, testHome } from './harness.ts';

const skip = skipReason();

const SIMPLE = [
  'FROM busybox:1.36',
  'RUN echo one > /one',
  'RUN echo two > /two && rm /etc/group',
  '',
].join('\n');

const STAGES = [
  'FROM busybox:1.36 AS builder',
  'RUN echo built > /artifact',
  'FROM scratch',
  'COPY --from=builder /artifact /artifact',
  '',
].join('\n');

/** Names of the steps that really ran (not CACHED), metadata aside. */
function ran(events: ProgressEvent[]): string[] {
  return events
    .filter((e) => e.kind === 'vertex-start')
    .map((e) => (e as { name: string }).name)
    .filter(
      (name) => !name.startsWith('[internal]') && !/^\[.*internal\]/.test(name),
    );
}

function cached(events: ProgressEvent[]): string[] {
  return events
    .filter((e) => e.kind === 'vertex-cached')
    .map((e) => (e as { name: string }).name);
}

test(
  'a local cache export lets a fresh home skip every step',
  { skip },
  async () => {
    const dir = path.join(tempDir('cache-'), 'cache');
    const first = await build(
      SIMPLE,
      {},
      { cacheTo: [`type=local,dest=${dir}`] },
    );
    assert.equal(first.result.error, undefined);
    assert.ok(
      ran(first.log.events).includes('exporting cache to client directory'),
    );
    // BuildKit's layout: index.json names the cache manifest `latest`.
    const index = JSON.parse(
      fs.readFileSync(path.join(dir, 'index.json'), 'utf8'),
    ) as { manifests: { digest: string; annotations: object }[] };
    const [entry] = index.manifests;
    assert.deepEqual(entry?.annotations, {
      'org.opencontainers.image.ref.name': 'latest',
    });
    const manifest = JSON.parse(
      fs.readFileSync(
        path.join(dir, 'blobs', ...(entry?.digest ?? '').split(':')),
        'utf8',
      ),
    ) as { config: { mediaType: string } };
    assert.equal(
      manifest.config.mediaType,
      'application/vnd.buildkit.cacheconfig.v0',
    );

    const second = await build(
      SIMPLE,
      {},
      { cacheFrom: [`type=local,src=${dir}`] },
    );
    assert.equal(second.result.error, undefined);
    assert.deepEqual(ran(second.log.events), []);
    assert.equal(cached(second.log.events).length, 3);
    const rootfs = second.result.results[0]?.rootfs;
    assert.equal(read(rootfs, 'one'), 'one\n');
    assert.equal(read(rootfs, 'two'), 'two\n');
    assert.equal(fs.existsSync(path.join(rootfs ?? '', 'etc/group')), false);
    assert.equal(fs.existsSync(path.join(rootfs ?? '', 'etc/passwd')), true);
  },
);

test(
  'mode=min keeps the result only; mode=max keeps the builder stage too',
  { skip },
  async () => {
    for (const mode of ['min', 'max']) {
      const dir = path.join(tempDir('cache-'), 'cache');
      const first = await build(
        STAGES,
        {},
        {
          cacheTo: [`type=local,dest=${dir},mode=${mode}`],
        },
      );
      assert.equal(first.result.error, undefined);
      const second = await build(
        STAGES,
        {},
        { cacheFrom: [`type=local,src=${dir}`] },
      );
      assert.equal(second.result.error, undefined);
      const builderRan = ran(second.log.events).some((n) =>
        n.includes('RUN echo built'),
      );
      assert.equal(builderRan, mode === 'min', `mode=${mode}`);
      assert.equal(
        read(second.result.results[0]?.rootfs, 'artifact'),
        'built\n',
      );
    }
  },
);

test(
  'a missing cache source is skipped; other cache types are refused',
  { skip },
  async () => {
    const missing = path.join(tempDir('cache-'), 'nothing-here');
    const { result } = await build(
      SIMPLE,
      {},
      {
        cacheFrom: [`type=local,src=${missing}`],
      },
    );
    assert.equal(result.error, undefined);
    const refused = await build(
      SIMPLE,
      {},
      {
        cacheTo: ['type=gha'],
      },
    );
    assert.match(
      refused.result.error ?? '',
      /cache exporter "gha" is not supported by slipway yet/,
    );
  },
);

test(
  'prune removes replaced versions only; prune --all empties the cache',
  { skip },
  async () => {
    const home = testHome();
    const paths = slipwayPaths(home);
    const runIn = (noCache = false) =>
      build(SIMPLE, {}, { home, noCache, contextDir: tempDir('ctx-') });

    assert.equal((await runIn()).result.error, undefined);
    const nothing = pruneHome(paths);
    assert.equal(nothing.versions, 0);
    assert.equal(nothing.records, 0);

    // A --no-cache rebuild replaces the two RUN snapshots.
    assert.equal((await runIn(true)).result.error, undefined);
    const replaced = pruneHome(paths);
    assert.equal(replaced.versions, 2);
    assert.ok(replaced.bytes > 0);
    const warm = await runIn();
    assert.deepEqual(ran(warm.log.events), []);

    const all = pruneHome(paths, { all: true });
    assert.ok(all.versions >= 3);
    assert.deepEqual(fs.readdirSync(path.join(home, 'records')), []);
    const cold = await runIn();
    assert.equal(
      ran(cold.log.events).filter((n) => n.includes('RUN')).length,
      2,
    );
  },
);
