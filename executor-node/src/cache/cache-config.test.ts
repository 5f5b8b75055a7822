import assert from 'node:assert/strict';
import test from 'node:test';

import {
  annotatedLayers,
  decodeCacheConfig,
  encodeCacheConfig,
  type CacheEntry,
  type CacheLayer,
} from './cache-config.ts';

const layer = (n: number): CacheLayer => ({
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size: 100 + n,
  diffId: `sha256:${String(n + 1)
    .repeat(64)
    .slice(0, 64)}`,
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
});

const BASE: CacheEntry = { key: 'sha256:base', layers: [layer(1), layer(2)] };
const RUN: CacheEntry = {
  key: 'sha256:run',
  parent: 'sha256:base',
  layers: [layer(3)],
  record: { key: 'sha256:run', vertex: 'v-run', runEnv: ['A=1'] },
};
const ENV_ONLY: CacheEntry = {
  key: 'sha256:same',
  parent: 'sha256:run',
  layers: [],
  record: { key: 'sha256:same', vertex: 'v-same' },
};

test('encodes chained layers and records that link to their parent', () => {
  // Children first: the encoder still writes parents before children.
  const config = encodeCacheConfig([ENV_ONLY, RUN, BASE]);
  assert.deepEqual(
    config.layers?.map((l) => [l.blob, l.parent]),
    [
      [layer(1).digest, -1],
      // Go's omitempty drops a zero parent index.
      [layer(2).digest, undefined],
      [layer(3).digest, 1],
    ],
  );
  assert.deepEqual(
    config.records?.map((r) => [r.digest, r.layers?.[0]?.layer, r.inputs]),
    [
      ['sha256:base', 1, undefined],
      ['sha256:run', 2, [[{ link: 0 }]]],
      ['sha256:same', 2, [[{ link: 1 }]]],
    ],
  );
  assert.deepEqual(config.records?.[1]?.slipway, {
    vertex: 'v-run',
    runEnv: ['A=1'],
  });
});

test('decodes what it encodes, through JSON', () => {
  const config = JSON.parse(
    JSON.stringify(encodeCacheConfig([BASE, RUN, ENV_ONLY])),
  );
  const entries = decodeCacheConfig(config, annotatedLayers(config, new Map()));
  assert.deepEqual(entries.get('sha256:base')?.layers, [layer(1), layer(2)]);
  assert.deepEqual(entries.get('sha256:run')?.layers, [layer(3)]);
  assert.equal(entries.get('sha256:run')?.parent, 'sha256:base');
  assert.deepEqual(entries.get('sha256:run')?.record, RUN.record);
  assert.deepEqual(entries.get('sha256:same')?.layers, []);
  assert.equal(entries.get('sha256:same')?.parent, 'sha256:run');
});

test("skips records whose chain does not extend their parent's", () => {
  const config = encodeCacheConfig([BASE, RUN]);
  // Point the run record at a chain that leaves out the base's top layer.
  config.records![1]!.chains = [{ layers: [0, 2] }];
  delete config.records![1]!.layers;
  const entries = decodeCacheConfig(config, annotatedLayers(config, new Map()));
  assert.ok(entries.has('sha256:base'));
  assert.ok(!entries.has('sha256:run'));
});

test('records without a layer description are left out', () => {
  const config = encodeCacheConfig([BASE]);
  for (const l of config.layers ?? []) delete l.annotations;
  assert.equal(
    decodeCacheConfig(config, annotatedLayers(config, new Map())).size,
    0,
  );
});
