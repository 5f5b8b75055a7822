import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import {
  ContentStore,
  DigestMismatchError,
  sha256Digest,
} from './content-store.ts';

const store = () =>
  new ContentStore(fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-content-')));

test('stores bytes under their sha256 and reads them back', async () => {
  const content = store();
  const bytes = Buffer.from('hello');
  const digest = await content.put(bytes);
  assert.equal(digest, sha256Digest(bytes));
  assert.equal(content.has(digest), true);
  assert.equal(content.read(digest).toString(), 'hello');
  assert.deepEqual(fs.readdirSync(path.join(content.dir, 'ingest')), []);
});

test('refuses content that does not match the expected digest or size', async () => {
  const content = store();
  const wanted = sha256Digest(Buffer.from('right'));
  await assert.rejects(
    content.put(Buffer.from('wrong'), wanted),
    DigestMismatchError,
  );
  assert.equal(content.has(wanted), false);
  const writer = content.writer(wanted, 99);
  await writer.write(Buffer.from('right'));
  await assert.rejects(writer.commit(), /digest mismatch/);
  assert.deepEqual(fs.readdirSync(path.join(content.dir, 'ingest')), []);
});

test('two writers of one blob at once both succeed', async () => {
  const content = store();
  const bytes = Buffer.alloc(1 << 20, 7);
  const digest = sha256Digest(bytes);
  const results = await Promise.all([
    content.put(bytes, digest),
    content.put(bytes, digest),
  ]);
  assert.deepEqual(results, [digest, digest]);
  assert.equal(content.read(digest).length, bytes.length);
});

test('removes temporary files of processes that are gone', () => {
  const content = store();
  fs.mkdirSync(path.join(content.dir, 'ingest'));
  fs.writeFileSync(path.join(content.dir, 'ingest', '999999999-abc'), 'x');
  fs.writeFileSync(path.join(content.dir, 'ingest', `${process.pid}-abc`), 'x');
  content.removeAbandoned();
  assert.deepEqual(fs.readdirSync(path.join(content.dir, 'ingest')), [
    `${process.pid}-abc`,
  ]);
});

test('refuses digests it cannot check', () => {
  assert.throws(() => store().path('md5:abc'), /unsupported digest/);
});
