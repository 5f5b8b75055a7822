// Tests for finding case folders and reading case.json: broken input names
// the folder or file at fault.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { findCaseDirs, readCase } from './case-file.ts';

let root = '';

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-case-file-'));
  await mkdir(path.join(root, 'X01'));
  await writeFile(path.join(root, 'X01', 'case.json'), '{bad');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('a case.json that is not JSON is named in the error', async () => {
  const file = path.join(root, 'X01', 'case.json');
  await assert.rejects(readCase(path.join(root, 'X01')), (error: Error) => {
    assert.match(error.message, new RegExp(`^${file}: invalid JSON: `));
    return true;
  });
});

test('a folder that does not exist, or is a file, is named in the error', async () => {
  const missing = path.join(root, 'nowhere');
  await assert.rejects(findCaseDirs(missing), {
    message: `open ${missing}: no such file or directory`,
  });
  const file = path.join(root, 'X01', 'case.json');
  await assert.rejects(findCaseDirs(file), {
    message: `open ${file}: not a directory`,
  });
});

test('finds the case folders under a folder', async () => {
  assert.deepEqual(await findCaseDirs(root), [path.join(root, 'X01')]);
});
