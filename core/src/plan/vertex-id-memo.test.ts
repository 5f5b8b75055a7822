// A memo of vertex ids must give exactly the ids hashing gives, for parts
// seen before, parts never seen, and parts from an older generation.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { hashParts } from './vertex-id.ts';
import { VertexIdMemo } from './vertex-id-memo.ts';

const part = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 4 }),
);

test('gives the ids hashParts gives, first and again', () => {
  const memo = new VertexIdMemo();
  fc.assert(
    fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
      const id = hashParts(parts);
      assert.equal(hashParts(parts, memo), id);
      assert.equal(hashParts(parts, memo), id);
    }),
    { numRuns: 500 },
  );
});

test('keeps parts that differ in one byte apart', () => {
  const memo = new VertexIdMemo();
  const ids = new Set<string>();
  for (let i = 0; i < 256; i++) {
    ids.add(hashParts(['exec', String.fromCharCode(i)], memo));
  }
  assert.equal(ids.size, 256);
  assert.equal(hashParts(['exec', 'a'], memo), hashParts(['exec', 'a']));
});

test('stays right when earlier generations are dropped', () => {
  const memo = new VertexIdMemo();
  const big = 'x'.repeat(100_000);
  const first = hashParts(['copy', big, 0], memo);
  for (let i = 1; i < 120; i++) hashParts(['copy', big, i], memo);
  assert.equal(hashParts(['copy', big, 0], memo), first);
  assert.equal(first, hashParts(['copy', big, 0]));
  const huge = 'y'.repeat(1_000_000);
  assert.equal(hashParts([huge], memo), hashParts([huge]));
  assert.equal(hashParts([huge], memo), hashParts([huge]));
});
