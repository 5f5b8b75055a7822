import { test } from 'node:test';
import assert from 'node:assert/strict';

import { canonicalJson, contentHash } from './content-hash.ts';

test('sorts keys and drops undefined members', () => {
  assert.equal(
    canonicalJson({
      b: 1,
      a: [true, null, 'x'],
      c: undefined,
      d: { z: 0, y: 'q' },
    }),
    '{"a":[true,null,"x"],"b":1,"d":{"y":"q","z":0}}',
  );
});

test('hashes equal values to equal digests regardless of key order', () => {
  assert.equal(contentHash({ a: 1, b: 2 }), contentHash({ b: 2, a: 1 }));
  assert.notEqual(contentHash({ a: 1 }), contentHash({ a: 2 }));
});

test('hashes like sha256 of the canonical text', () => {
  // sha256("null")
  assert.equal(
    contentHash(null),
    'sha256:74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b',
  );
});
