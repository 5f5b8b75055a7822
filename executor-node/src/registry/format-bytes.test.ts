import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatBytes, formatSeconds } from './format-bytes.ts';

test('formats sizes in decimal units with two decimals', () => {
  assert.equal(formatBytes(0), '0B');
  assert.equal(formatBytes(999), '999B');
  assert.equal(formatBytes(772_790), '772.79kB');
  assert.equal(formatBytes(2_100_000), '2.10MB');
  assert.equal(formatBytes(3_400_000_000), '3.40GB');
});

test('formats seconds with one decimal', () => {
  assert.equal(formatSeconds(0.26), '0.3s');
  assert.equal(formatSeconds(12), '12.0s');
});
