// Vertex ids must be stable for equal parts and differ for different ones,
// however the parts are split, nested or spelled.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sha256Hex } from './sha256.ts';
import { hashParts } from './vertex-id.ts';

const ID = `sha256:${sha256Hex('x')}`;

test('gives equal parts equal ids, in sha256:<hex> form', () => {
  const id = hashParts(['exec', ['a', 'b'], 1, true, null]);
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.equal(hashParts(['exec', ['a', 'b'], 1, true, null]), id);
});

test('keeps parts apart however they are split or nested', () => {
  const cases: unknown[][] = [
    ['ab'],
    ['a', 'b'],
    [['a', 'b']],
    [['a'], 'b'],
    ['a', ['b']],
    [''],
    [[]],
    [null],
    [false],
    ['false'],
    [0],
    ['0'],
    [{}],
    [{ a: 'b' }],
    [{ ab: '' }],
    [ID],
    [ID.toUpperCase()],
    [ID.slice(0, -1) + 'g'],
    [ID, ID],
  ];
  const ids = cases.map((parts) => hashParts(parts));
  assert.equal(new Set(ids).size, cases.length);
});

test('keeps text apart that UTF-8 encoding would merge', () => {
  const texts = ['\ud800', '\ufffd', '\udc00', '\ud800\udc00', '\u{10000}x'];
  const ids = texts.map((text) => hashParts([text]));
  assert.equal(new Set(ids).size, texts.length);
  assert.equal(hashParts(['\ud800\udc00']), hashParts(['\u{10000}']));
});

test('reads records in sorted key order, without undefined members', () => {
  assert.equal(
    hashParts([{ a: 1, b: 'x', c: undefined }]),
    hashParts([{ b: 'x', a: 1 }]),
  );
  assert.notEqual(hashParts([{ a: 1 }]), hashParts([{ a: 2 }]));
});

test('hashes long parts and gives the same id afterwards', () => {
  const long = 'é'.repeat(200_000);
  const id = hashParts([long]);
  assert.notEqual(hashParts([long + 'x']), id);
  assert.equal(hashParts([long]), id);
  assert.equal(hashParts(['a']), hashParts(['a']));
});
